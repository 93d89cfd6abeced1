"""Sphinx extension: the course bundle's PDFs in every page's download menu.

`make course` builds the site with ``klce_downloads`` set (label and path from the site root,
e.g. ``["Book (PDF)", "downloads/kl-vs-cross-entropy.pdf"]``, written by
``code/_ext/derived_config.py``); each page then carries the entries, with paths relative to
that page, in a ``<meta name="klce-downloads">`` tag, and ``_static/course-downloads.js`` adds
them to the theme's download menu. A plain `make book` sets nothing and shows no such entry,
since no PDF is built alongside it.
"""

import html
import json

from sphinx.application import Sphinx


def _add_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    entries = app.config.klce_downloads
    if not entries or "pathto" not in context:
        return
    relative = [{"label": label, "href": context["pathto"](path, 1)} for label, path in entries]
    tag = f'<meta name="klce-downloads" content="{html.escape(json.dumps(relative))}">\n'
    context["metatags"] = context.get("metatags", "") + tag


def _drop_source_downloads(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Without copied sources (the student build), offer no .ipynb or source download.

    sphinx-book-theme 1.1 adds both buttons whenever the download menu is on, pointing into
    ``_sources/``, which such a build does not write: they would be broken links (and the
    notebooks hold the solutions). The menu keeps its other entries.
    """
    if app.config.html_copy_source:
        return
    unwanted = {"download-source-button", "download-notebook-button"}
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("label") not in unwanted]


def setup(app: Sphinx) -> dict:
    app.add_config_value("klce_downloads", [], "html")
    app.connect("html-page-context", _add_meta)
    app.connect("html-page-context", _drop_source_downloads, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
