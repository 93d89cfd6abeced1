"""Sphinx extension: the book's math rendered to HTML at build time with KaTeX, served offline.

Why build time: with MathJax in the browser a reader saw raw ``\\(...\\)`` for most of a second
on every chapter, and a chapter's math was final only 2-4 times its load time later. Here
``sphinxcontrib-katex`` (pinned in ``requirements.txt``) runs KaTeX under Node.js while Sphinx
writes each page (``katex_prerender``), so the HTML holds finished math and the page loads no
math script at all. What the browser still needs is KaTeX's stylesheet and fonts; they come
from the npm registry's ``katex`` package, pinned in ``code/_ext/katex/package.json`` to the
KaTeX version inside ``sphinxcontrib-katex``, installed by ``make book`` (``npm ci``) and copied
into the site's ``_static/katex/``. Nothing is fetched when the site is read; nothing of KaTeX is
committed. The PDF does not use this (the LaTeX builder typesets the same TeX itself).

A formula KaTeX cannot parse stops the build (``throwOnError``), so every macro the book uses is
known to render.
"""

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

KATEX_DIST = Path(__file__).parent / "katex" / "node_modules" / "katex" / "dist"
CSS_PATH = "katex/katex.min.css"  # relative to the site's _static/ folder


def _configure(app: Sphinx, config: Config) -> None:
    config.katex_prerender = True
    config.katex_css_path = CSS_PATH
    config.katex_options = "throwOnError: true, strict: 'error'"


def _check_tools(app: Sphinx) -> None:
    if app.builder.format != "html":
        return  # the LaTeX builder typesets the TeX itself
    if not shutil.which("node"):
        raise ExtensionError(
            "Node.js is needed to render the math at build time (see README, Prerequisites): "
            "install it (Debian: apt-get install nodejs npm) and run `make book` again."
        )
    if not (KATEX_DIST / "katex.min.css").is_file():
        raise ExtensionError(
            f"KaTeX's stylesheet is missing at {KATEX_DIST}: run `make book` (it runs "
            "`npm ci --prefix code/_ext/katex`) or that npm command by hand."
        )


def _copy_katex(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "katex"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(KATEX_DIST / "katex.min.css", target / "katex.min.css")
        shutil.copytree(KATEX_DIST / "fonts", target / "fonts", dirs_exist_ok=True)


def _stop_server(app: Sphinx, exception: Exception | None) -> None:
    """Stop KaTeX's Node.js render server when the build ends.

    sphinxcontrib-katex 0.9.11 stops it only from an ``atexit`` hook, which the ``jupyter-book``
    command does not reach: the server outlived the build and, holding the build's stderr, kept
    a caller that reads that output (the tests) waiting forever.
    """
    import atexit

    from sphinxcontrib.katex import KaTeXServer

    if KaTeXServer.katex_server is not None:
        KaTeXServer.katex_server.terminate()
        KaTeXServer.katex_server = None
        atexit.unregister(KaTeXServer.terminate)  # stopped already; its hook would fail


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinxcontrib.katex")
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _check_tools)
    app.connect("build-finished", _copy_katex, priority=900)
    app.connect("build-finished", _stop_server, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
