"""Sphinx extension: typeset math with a MathJax copy that comes from a package registry.

Sphinx's default ``mathjax_path`` points at a CDN, so a site built or read offline would show raw
TeX. This extension takes MathJax 3 from the ``django-static-mathjax`` wheel (pinned in
``requirements.txt``; it has no dependency on Django), copies its ``es5`` bundle into the built
site's ``_static/mathjax/`` and points ``mathjax_path`` there. Nothing is downloaded at build time
and nothing is committed.
"""

import shutil
from pathlib import Path

import mathjax  # the import name of django-static-mathjax
from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
ENTRY_POINT = "mathjax/tex-mml-chtml.js"  # relative to the site's _static/ folder


def _use_local_mathjax(app: Sphinx, config: Config) -> None:
    if not (MATHJAX_ES5 / "tex-mml-chtml.js").is_file():
        raise RuntimeError(f"MathJax bundle not found at {MATHJAX_ES5}")
    config.mathjax_path = ENTRY_POINT


def _copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "mathjax"
        shutil.copytree(MATHJAX_ES5, target, dirs_exist_ok=True)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_local_mathjax)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
