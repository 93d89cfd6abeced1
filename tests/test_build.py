"""The book builds strictly (-W -n): zero warnings, every page present, math served locally."""

import re

import pytest
from helpers import toc_files

pytestmark = pytest.mark.slow


def test_build_has_no_warnings(book_build):
    assert book_build.returncode == 0, book_build.log[-5000:]
    assert book_build.warnings == []


@pytest.mark.parametrize("page", toc_files())
def test_every_toc_page_is_built(book_build, page):
    assert (book_build.html / f"{page}.html").is_file()


def test_math_is_rendered_in_the_page_and_its_fonts_are_served_by_the_site(book_build):
    """KaTeX wrote the math into the HTML; the page loads no math script, only the stylesheet
    and fonts that the build copied into the site (nothing from the network)."""
    katex = book_build.html / "_static" / "katex"
    assert (katex / "katex.min.css").is_file()
    css = (katex / "katex.min.css").read_text()
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css))
    assert fonts and all((katex / font).is_file() for font in fonts), "a KaTeX font is missing"
    page = (book_build.html / "chapters" / "01_kl_divergence.html").read_text()
    assert page.count('class="katex"') > 100, "chapter 1's math is not rendered in the HTML"
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert not [s for s in scripts if re.search(r"mathjax|katex", s, re.I)], scripts
    sheets = re.findall(r'<link[^>]+href="([^"]+katex[^"]*\.css[^"]*)"', page)
    assert "../_static/katex/katex.min.css" in sheets, sheets
    assert all(h.startswith("../_static/") for h in sheets), sheets
