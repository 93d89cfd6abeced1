"""The book builds strictly (-W -n): zero warnings, every page present, math served locally."""

import re

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.slow


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_build_has_no_warnings(book_build):
    assert book_build.returncode == 0, book_build.log[-5000:]
    assert book_build.warnings == []


@pytest.mark.parametrize("page", toc_files())
def test_every_toc_page_is_built(book_build, page):
    assert (book_build.html / f"{page}.html").is_file()


def test_mathjax_is_served_from_the_site_itself(book_build):
    assert (book_build.html / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
    page = (book_build.html / "chapters" / "01_kl_divergence.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    mathjax = [src for src in scripts if "mathjax" in src.lower()]
    assert mathjax, "chapter 1 has math, so it must load MathJax"
    assert all(src.startswith("../_static/mathjax/") for src in mathjax), mathjax
