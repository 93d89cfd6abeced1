"""Sphinx extension: each page's scripts once, so the browser console stays clean.

sphinx-thebe 0.3.1 (loaded by Jupyter Book 1.0.4 even with ``launch_buttons.thebe: false``)
registers an inline ``<script>const THEBE_JS_URL = ...</script>`` from an
``env-before-read-docs`` handler (``sphinx_thebe.init_thebe_core``). In this book's builds that
event runs twice, so every page declared the constants twice and the browser logged
"Identifier 'THEBE_JS_URL' has already been declared". This keeps the first of identical
script entries (same file, same inline body). No upstream issue exists for it as of
sphinx-thebe 0.3.1; remove this extension once a release registers its scripts once per build
(``tests/test_site.py`` fails on any console error, so it will show whether it is still needed).
"""

from sphinx.application import Sphinx


def _dedupe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body", "")
        # the two copies differ in their (empty) filename: None in one, "" in the other
        key = ("", body) if body else (str(script), "")
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
