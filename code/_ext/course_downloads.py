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


def setup(app: Sphinx) -> dict:
    app.add_config_value("klce_downloads", [], "html")
    app.connect("html-page-context", _add_meta)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
