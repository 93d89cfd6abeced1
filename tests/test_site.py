"""The built website, read as a person reads it: every page opened in headless Chromium, offline.

The site is served from 127.0.0.1 and every request to any other host is aborted and recorded.
For each page, at 1280 px and again on a 390 px phone, the tests check what a reader sees:
- every formula arrived as finished math (KaTeX HTML written at build time), no page loads a math
  script, and no raw TeX is left in any text outside math and code: headings, link texts,
  proofs, the page's table of contents (and, on the search page, the result snippets);
- no inline formula is cut off at either width; no display equation, code block or table
  scrolls sideways at 1280 px; on the phone the page is never wider than the screen and at most
  MAX_SWIPE_DISPLAYS display equations in the whole book need a sideways swipe, each with a
  visible cue (edge shadows);
- every image loaded, and figure text is at least 10 CSS px at the rendered width at 1280 px;
- nothing left the machine, the console stayed clean, the title and the navigation are there,
  axe-core finds no serious or critical accessibility problem, every figure has real alt text;
- the answers page's short answer is in the first screen (1280 x 800);
- a chapter's math is final within MAX_MATH_RATIO times its load with the math assets blocked
  (median of 3 loads each).
A full-page screenshot of each page goes to `_build/screenshots/`, with `report.json`
summarising the checks.

Internal links are checked without a browser: every local href/src of every built page (student
site too) points to a file that exists, and every #fragment to an id in the target page.

Needs Chromium (Debian: `sudo apt-get install chromium`); without it the browser tests skip,
except under CI=true, where they fail.
"""

import asyncio
import functools
import http.server
import json
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from axe_playwright_python.async_playwright import Axe
from bs4 import BeautifulSoup
from conftest import ROOT
from playwright.async_api import async_playwright

from klce.plotting import FIGURE_DPI, MIN_FONT_PT

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "_build" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"
INSTALL_HINT = "Chromium not found: install it with `sudo apt-get install chromium`"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core impacts that fail the build; "moderate" and "minor" are reported in report.json only.
BLOCKING_IMPACTS = {"serious", "critical"}
# Console errors that are the toolchain's, not the book's, each with the reason it is harmless.
# (None now: the duplicated sphinx-thebe script is removed by code/_ext/dedupe_scripts.py.)
KNOWN_CONSOLE_ERRORS: set[str] = set()
# A phone may need a sideways swipe for at most this many display equations in the whole book.
MAX_SWIPE_DISPLAYS = 5
# The smallest figure text a reader sees at 1280 px, in CSS px.
MIN_FIGURE_TEXT_PX = 10
# A chapter's math is final within this multiple of its load time with the math assets blocked.
MAX_MATH_RATIO = 1.3
# Pages Sphinx writes besides the ones in _toc.yml. (sphinx-proof's index of theorems, prf-prf,
# is not written for this book; test_every_built_page_is_opened_in_the_browser fails if it is.)
GENERATED_PAGES = ["genindex", "search"]


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


PAGES = toc_pages() + GENERATED_PAGES
ANSWERS = "chapters/00_answers"

# The short answer on the answers page: its box, and what stands between the title and it.
FIRST_SCREEN = """() => {
    window.scrollTo(0, 0);
    const target = document.getElementById('answers-short');
    if (!target) return {};
    const box = target.matches('section') ? target.querySelector('div, ul, p') : target;
    const article = document.querySelector('article.bd-article');
    const title = article.querySelector('h1');
    const blocks = Array.from(article.querySelectorAll('section > *'))
        .filter(e => e.offsetParent !== null && !e.contains(title) && !e.contains(box)
                 && !box.contains(e) && e !== title && e.id !== 'answers-short'
                 && e.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING
                 && e.getBoundingClientRect().height > 0);
    const r = box.getBoundingClientRect();
    return {top: Math.round(r.top), bottom: Math.round(r.bottom),
            aboveIt: blocks.map(e => e.tagName.toLowerCase() + ': ' +
                                e.textContent.trim().slice(0, 40))};
}"""
BOOK_TITLE = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]


def find_chromium() -> str | None:
    """Chromium's executable: $CHROMIUM if set, else `chromium` (Debian) on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def built_pages(html: Path) -> set[str]:
    """Every HTML page of a build, as a docname ('chapters/01_kl_divergence'), except index.html."""
    pages = {p.relative_to(html).with_suffix("").as_posix() for p in html.rglob("*.html")}
    return {p for p in pages if not p.startswith(("_static/", "_sources/")) and p != "index"}


# ---------------------------------------------------------------------------------------------
# Internal links (no browser needed)
# ---------------------------------------------------------------------------------------------

LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src"}
LINK_ATTRS |= {"iframe": "src", "source": "src", "video": "src", "audio": "src"}


@functools.cache
def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def ids_in(path: Path) -> set[str]:
    soup = parse(path)
    return {tag["id"] for tag in soup.find_all(id=True)} | {
        tag["name"] for tag in soup.find_all("a", attrs={"name": True})
    }


def local_targets(page: Path) -> list[str]:
    """Every URL the page refers to (links, images, scripts, styles, a meta refresh)."""
    soup = parse(page)
    urls = [tag.get(attr) for name, attr in LINK_ATTRS.items() for tag in soup.find_all(name)]
    urls = [url for url in urls if url]
    for meta in soup.find_all("meta", attrs={"http-equiv": re.compile("refresh", re.I)}):
        if match := re.search(r"url=(\S+)", meta.get("content", ""), re.I):
            urls.append(match.group(1).strip("'\""))
    return urls


def broken_links(html: Path) -> list[str]:
    problems = []
    for page in sorted(html.rglob("*.html")):
        if page.relative_to(html).parts[0] in {"_static", "_sources"}:
            continue
        for url in local_targets(page):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue  # external (http, https, mailto, data, javascript): not the site's own
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(html)}: {url}"
            if not target.is_file():
                problems.append(f"{where} -> missing file")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in ids_in(target):
                    problems.append(f"{where} -> no id {parts.fragment!r} in {target.name}")
    return problems


@pytest.mark.parametrize("which", ["book_build", "student_build"])
def test_internal_links_and_fragments_resolve(which, request):
    build = request.getfixturevalue(which)
    assert (build.html / "index.html").is_file(), build.log[-3000:]
    problems = broken_links(build.html)
    assert not problems, "\n".join(problems)


def test_every_built_page_is_opened_in_the_browser(book_build):
    assert (book_build.html / "index.html").is_file(), book_build.log[-3000:]
    extra = built_pages(book_build.html) - set(PAGES)
    assert not extra, f"pages built but not listed in PAGES (add them): {sorted(extra)}"


# ---------------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(book_build):
    """The built site served over HTTP on 127.0.0.1 (a free port); yields its base URL."""
    assert (book_build.html / "index.html").is_file(), book_build.log[-3000:]
    handler = functools.partial(QuietHandler, directory=str(book_build.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@dataclass
class Visit:
    """What one page showed in the browser."""

    url: str
    title: str = ""
    h1: list[str] = field(default_factory=list)
    nav_links: list[str] = field(default_factory=list)
    page_toc: bool = False
    sections: int = 0
    math_expected: int = 0  # math elements Sphinx wrote into the page
    math_in_dom: int = 0
    math_typeset: int = 0  # of those, how many hold KaTeX's finished HTML
    math_scripts: list[str] = field(default_factory=list)  # scripts that would typeset in the page
    math_errors: list[str] = field(default_factory=list)
    raw_tex: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    known_console_errors: list[str] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    screenshot: str = ""
    wide_code: list[str] = field(default_factory=list)  # visible code blocks that scroll sideways
    wide_math: list[str] = field(default_factory=list)  # display equations that scroll sideways
    wide_tables: list[str] = field(default_factory=list)  # tables wider than the column at 1280
    cut_math: list[str] = field(default_factory=list)  # inline formulas cut off at 1280 px
    figure_text_px: list[dict] = field(default_factory=list)  # smallest figure text per image
    code_blocks: int = 0  # visible code blocks at 1280 px
    display_math: int = 0  # display equations at 1280 px
    phone_page_width: int = 0  # the page's scroll width at a 390 px viewport
    phone_clipped: list[str] = field(default_factory=list)  # elements cut off at 390 px
    phone_cut_math: list[str] = field(default_factory=list)  # inline formulas cut off at 390 px
    phone_swipe_math: list[str] = field(default_factory=list)  # displays that scroll at 390 px
    phone_swipe_without_cue: list[str] = field(default_factory=list)
    first_screen: dict = field(default_factory=dict)  # where the short answer sits (answers)
    phone_screenshot: str = ""


MATH_STATE = """() => {
    const math = Array.from(document.querySelectorAll('span.math, div.math'));
    return {
        inDom: math.length,
        typeset: math.filter(m => m.querySelector('.katex')).length,
        errors: Array.from(document.querySelectorAll('.katex-error'))
            .map(e => e.getAttribute('title') || e.textContent),
        scripts: Array.from(document.scripts).map(e => e.src)
            .filter(src => /mathjax|katex|auto-render/i.test(src)),
        // a '$' glued to a typeset equation: dollar math that MyST did not recognise
        strayDollars: math.filter(m =>
            /\\$\\s*$/.test(m.previousSibling?.textContent ?? '') ||
            /^\\s*\\$/.test(m.nextSibling?.textContent ?? '')).map(m => m.textContent.slice(0, 60)),
    };
}"""

# Text the reader sees (hidden dropdowns included), outside code, which shows TeX on purpose.
VISIBLE_TEXT = """() => {
    const skip = 'pre, code, script, style, noscript, textarea, template, .katex';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.parentElement.closest(skip)) texts.push(node.nodeValue);
    }
    return texts.join(' ');
}"""

IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = 'eager'; });
    const settled = img => img.complete ? Promise.resolve() : new Promise(done => {
        img.addEventListener('load', done, {once: true});
        img.addEventListener('error', done, {once: true});
    });
    await Promise.race([Promise.all(images.map(settled)), new Promise(r => setTimeout(r, 15000))]);
    return images.map(img => ({
        src: img.getAttribute('src'),
        naturalWidth: img.naturalWidth,
        alt: img.getAttribute('alt'),
        inContent: !!img.closest('article.bd-article'),
    }));
}"""

NAVIGATION = """() => ({
    h1: Array.from(document.querySelectorAll('#main-content h1'))
        .map(h => h.textContent.trim()).filter(t => t),
    navLinks: Array.from(document.querySelectorAll('nav.bd-docs-nav a[href]')).map(a => a.href),
    pageToc: !!document.querySelector('#pst-page-toc-nav'),
    sections: document.querySelectorAll('article.bd-article section section').length,
})"""

# The TeX source of a rendered formula (KaTeX keeps it in a MathML annotation).
TEX_OF = """const texOf = e => (e.querySelector('annotation')?.textContent || e.textContent)
    .replace(/\\s+/g, ' ').slice(0, 80);
const box = e => e.querySelector('.katex-html') || e;  // what scrolls in a display"""

# Visible code blocks, display equations and tables wider than their box (they would scroll
# sideways), and inline formulas that stick out of their line: cut off, since a line of text does
# not scroll. Folded (hide-input) code is not displayed, so its boxes have no width.
OVERFLOW = (
    """() => {
    """
    + TEX_OF
    + """
    const shown = e => e.offsetParent !== null && e.clientWidth > 0;
    const wide = e => e.scrollWidth > e.clientWidth + 1;
    const article = document.querySelector('article.bd-article');
    if (!article) return {code: 0, math: 0, wideCode: [], wideMath: [], wideTables: [],
                          cutMath: [], swipeWithoutCue: []};
    const right = article.getBoundingClientRect().right;
    const code = Array.from(article.querySelectorAll('div.highlight pre')).filter(shown);
    const math = Array.from(article.querySelectorAll('.katex-display')).filter(shown);
    const tables = Array.from(article.querySelectorAll('table')).filter(shown);
    const inline = Array.from(article.querySelectorAll('.katex'))
        .filter(e => !e.closest('.katex-display') && e.offsetParent !== null);
    const cut = inline.filter(e => {
        const box = e.parentElement.closest('p, li, td, th, dd, dt, div, span.math');
        const edge = Math.min(right, box ? box.getBoundingClientRect().right : right,
                              document.documentElement.clientWidth);
        return e.getBoundingClientRect().right > edge + 1;
    });
    const scroller = t => {
        for (let a = t; a && a !== article; a = a.parentElement) if (wide(a)) return a;
        return null;
    };
    return {
        code: code.length,
        math: math.length,
        wideCode: code.filter(wide).map(e => e.textContent.split('\\n').find(
            l => l.length > 79) || e.textContent.slice(0, 80)),
        wideMath: math.filter(e => wide(box(e))).map(texOf),
        wideTables: tables.filter(t => scroller(t) || t.getBoundingClientRect().right > right + 1)
            .map(t => `${Math.round(t.scrollWidth)} px: ` +
                 (t.querySelector('tr')?.textContent || '').replace(/\\s+/g, ' ').slice(0, 60)),
        cutMath: cut.map(texOf),
        swipeWithoutCue: math.filter(e => wide(box(e))).filter(e =>
            !getComputedStyle(box(e)).backgroundImage.includes('gradient')).map(texOf),
    };
}"""
)

# The smallest figure text on the page: the book's figures use MIN_FONT_PT at FIGURE_DPI
# (klce.plotting), so a stored image shows it at MIN_FONT_PT * FIGURE_DPI / 72 image pixels,
# scaled by the image's rendered width over its natural width.
FIGURE_SCALE = """() => Array.from(document.querySelectorAll('article.bd-article img'))
    .filter(img => img.naturalWidth > 0 && img.offsetParent !== null)
    .map(img => ({src: img.getAttribute('src'), scale: img.clientWidth / img.naturalWidth}))"""

# At phone width the page itself must not scroll sideways, and no element may stick out of the
# viewport unless it sits in a box that scrolls (code, equations, tables scroll inside their box).
PHONE = """() => {
    const vw = document.documentElement.clientWidth;
    const scrolls = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
        }
        return false;
    };
    const clipped = Array.from(document.querySelectorAll('article.bd-article *'))
        .filter(e => e.offsetParent !== null && !e.closest('.katex'))
        .filter(e => e.getBoundingClientRect().right > vw + 1 && !scrolls(e))
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    return {width: document.documentElement.scrollWidth, clipped: clipped.slice(0, 10)};
}"""

RAW_TEX = [
    (re.compile(r"\\[A-Za-z]{2,}"), "a TeX command"),
    (re.compile(r"\$[^$\s][^$]{0,60}?[\\^_{}]"), "a $ before TeX"),
    (re.compile(r"\\\(|\\\)"), r"\( \) delimiters"),
    (re.compile(r"\\\[|\\\]"), r"\[ \] delimiters"),
    (re.compile(r"\$\$"), "$$ delimiters"),
    (re.compile(r"\$[^$\n]{0,80}\\[A-Za-z]+[^$\n]{0,80}\$"), "$...$ around a TeX command"),
]


async def open_page(context, site: str, source: Path, docname: str, axe: Axe) -> Visit:
    """Open one page in its own tab, with requests leaving 127.0.0.1 aborted, and record it."""
    result = Visit(url=urljoin(site, f"{docname}.html"))
    result.math_expected = len(parse(source).select("span.math, div.math"))
    recording = True  # off while axe runs: its own requests are not the page's

    def error(message: str) -> None:
        if recording:
            known = any(k in message for k in KNOWN_CONSOLE_ERRORS)
            (result.known_console_errors if known else result.console_errors).append(message)

    async def guard(route):
        url = route.request.url
        if (
            urlsplit(url).scheme in {"data", "blob"}
            or urlsplit(url).netloc == urlsplit(site).netloc
        ):
            await route.continue_()
        else:
            result.outside_requests.append(url)
            await route.abort("blockedbyclient")

    page = await context.new_page()
    await page.route("**/*", guard)
    page.on("console", lambda msg: msg.type == "error" and error(msg.text))
    page.on("pageerror", lambda exc: error(f"uncaught: {exc}"))
    page.on("response", lambda r: r.status >= 400 and error(f"HTTP {r.status} {r.url}"))
    try:
        await page.goto(result.url, wait_until="load")
        await page.evaluate("document.fonts.ready.then(() => true)")
        math = await page.evaluate(MATH_STATE)
        result.math_in_dom, result.math_typeset = math["inDom"], math["typeset"]
        result.math_scripts = math["scripts"]
        stray = [f"stray $ next to {m!r}" for m in math["strayDollars"]]
        result.math_errors = math["errors"] + stray
        text = await page.evaluate(VISIBLE_TEXT)
        for pattern, what in RAW_TEX:
            result.raw_tex += [f"{what}: {m.group(0)[:80]!r}" for m in pattern.finditer(text)]
        result.images = await page.evaluate(IMAGES)
        nav = await page.evaluate(NAVIGATION)
        result.title, result.h1 = await page.title(), nav["h1"]
        result.nav_links, result.page_toc = nav["navLinks"], nav["pageToc"]
        result.sections = nav["sections"]
        await page.wait_for_timeout(100)  # late console messages
        recording = False
        violations = (await axe.run(page)).response["violations"]
        result.axe = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [", ".join(map(str, n["target"])) for n in v["nodes"]][:10],
            }
            for v in violations
        ]
        await page.evaluate("document.fonts.ready.then(() => true)")
        overflow = await page.evaluate(OVERFLOW)
        result.code_blocks, result.display_math = overflow["code"], overflow["math"]
        result.wide_code, result.wide_math = overflow["wideCode"], overflow["wideMath"]
        result.wide_tables, result.cut_math = overflow["wideTables"], overflow["cutMath"]
        result.figure_text_px = [
            {"src": f["src"], "px": round(MIN_FONT_PT * FIGURE_DPI / 72 * f["scale"], 2)}
            for f in await page.evaluate(FIGURE_SCALE)
        ]
        shot = SCREENSHOTS / f"{docname.replace('/', '__')}.png"
        await page.screenshot(path=str(shot), full_page=True, timeout=120000)
        result.screenshot = str(shot.relative_to(ROOT))
        if docname == ANSWERS:
            await page.set_viewport_size({"width": 1280, "height": 800})
            await page.wait_for_timeout(300)  # the theme re-lays out
            result.first_screen = await page.evaluate(FIRST_SCREEN)
            first = SCREENSHOTS / f"{docname.replace('/', '__')}__first-screen.png"
            await page.screenshot(path=str(first))
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.wait_for_timeout(300)  # the theme re-lays out
        phone = await page.evaluate(PHONE)
        result.phone_page_width, result.phone_clipped = phone["width"], phone["clipped"]
        phone_math = await page.evaluate(OVERFLOW)
        result.phone_cut_math = phone_math["cutMath"]
        result.phone_swipe_math = phone_math["wideMath"]
        result.phone_swipe_without_cue = phone_math["swipeWithoutCue"]
        if docname.startswith("chapters/01"):
            shot = SCREENSHOTS / f"{docname.replace('/', '__')}__390px.png"
            await page.screenshot(path=str(shot), full_page=True, timeout=120000)
            result.phone_screenshot = str(shot.relative_to(ROOT))
    finally:
        await page.close()
    return result


async def visit_site(executable: str, profile: Path, site: str, html: Path) -> dict:
    """Every page of PAGES that was built, two tabs at a time (one per core), plus index.html."""
    axe = Axe()
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        lanes = asyncio.Semaphore(2)

        async def one(docname: str):
            async with lanes:
                try:
                    return await open_page(context, site, html / f"{docname}.html", docname, axe)
                except Exception as exc:  # reported by every test of that page
                    return f"opening {docname} failed: {exc!r}"

        built = [d for d in PAGES if (html / f"{d}.html").is_file()]
        results = dict(zip(built, await asyncio.gather(*map(one, built)), strict=True))
        page = await context.new_page()
        await page.goto(site, wait_until="load")
        try:
            await page.wait_for_url(f"**/{toc_pages()[0]}.html", timeout=10000)
            results["index"] = page.url
        except Exception as exc:
            results["index"] = f"index.html did not redirect: {exc!r}"
        await context.close()
    return results


def chromium_or_skip() -> str:
    """Chromium's executable; the test skips without it, except under CI=true, where it fails."""
    executable = find_chromium()
    if executable is None:
        if IN_CI:
            pytest.fail(f"{INSTALL_HINT} (under CI=true the browser tests must run)")
        pytest.skip(INSTALL_HINT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return executable


@pytest.fixture(scope="module")
def visits(tmp_path_factory, site, book_build) -> dict:
    """What every page showed in Chromium, by docname; the pages are opened once, up front."""
    executable = chromium_or_skip()
    profile = tmp_path_factory.mktemp("chromium-profile")
    results = asyncio.run(visit_site(executable, profile, site, book_build.html))
    report = {k: asdict(v) if isinstance(v, Visit) else v for k, v in results.items()}
    (SCREENSHOTS / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return results


@pytest.fixture
def visit(visits):
    def lookup(docname: str) -> Visit:
        if docname not in visits:
            if docname in GENERATED_PAGES:
                pytest.skip(f"{docname}.html is not generated for this book")
            pytest.fail(f"{docname}.html was not built")
        result = visits[docname]
        if isinstance(result, str):
            pytest.fail(result)
        return result

    return lookup


@pytest.mark.parametrize("page", PAGES)
def test_every_equation_is_typeset(visit, page):
    v = visit(page)
    assert v.math_in_dom == v.math_expected, "math elements went missing from the DOM"
    assert v.math_typeset == v.math_expected, (
        f"{v.math_typeset} of {v.math_expected} formulas hold KaTeX's rendered HTML"
    )
    assert not v.math_scripts, f"the page typesets in the browser: {v.math_scripts}"
    assert not v.math_errors, f"TeX errors: {v.math_errors}"
    assert not v.raw_tex, f"raw TeX left in the text: {v.raw_tex}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(visit, page):
    v = visit(page)
    broken = [img["src"] for img in v.images if img["naturalWidth"] == 0]
    assert not broken, f"images that did not load: {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_machine(visit, page):
    v = visit(page)
    assert not v.outside_requests, f"requests to other hosts (blocked): {v.outside_requests}"


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(visit, page):
    v = visit(page)
    assert not v.console_errors, v.console_errors


@pytest.mark.parametrize("page", PAGES)
def test_title_and_navigation(visit, page):
    v = visit(page)
    assert v.title.strip() and BOOK_TITLE in v.title, f"page title {v.title!r}"
    assert v.h1, "the page has no heading (h1) in its article"
    linked = {urlsplit(link).path.removesuffix(".html").lstrip("/") for link in v.nav_links}
    linked |= {page}  # the sidebar links the current page as "#"
    missing = [p for p in toc_pages() if p not in linked]
    assert not missing, f"the sidebar does not link to {missing}"
    if v.sections:
        assert v.page_toc, "the page has sections but no in-page table of contents"


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(visit, page):
    v = visit(page)
    blocking = [a for a in v.axe if a["impact"] in BLOCKING_IMPACTS]
    assert not blocking, json.dumps(blocking, indent=1)


FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp)$|^[\w./-]*/[\w./-]*$|^[0-9a-f]{16,}", re.I)


@pytest.mark.parametrize("page", PAGES)
def test_figures_have_meaningful_alt_text(visit, page):
    v = visit(page)
    bad = []
    for img in v.images:
        if not img["inContent"]:
            continue
        alt = (img["alt"] or "").strip()
        if not alt or FILE_NAME.search(alt) or len(alt.split()) < 3:
            bad.append(f"{img['src']}: alt={img['alt']!r}")
    assert not bad, f"figures without meaningful alt text: {bad}"


@pytest.mark.parametrize("page", PAGES)
def test_nothing_scrolls_sideways_at_1280px(visit, page):
    v = visit(page)
    assert not v.wide_code, f"{len(v.wide_code)} of {v.code_blocks} code blocks: {v.wide_code}"
    assert not v.wide_math, f"{len(v.wide_math)} of {v.display_math} equations: {v.wide_math}"
    assert not v.wide_tables, f"tables wider than the column: {v.wide_tables}"


@pytest.mark.parametrize("page", PAGES)
def test_no_formula_is_cut_off(visit, page):
    v = visit(page)
    assert not v.cut_math, f"inline formulas cut off at 1280 px: {v.cut_math}"
    assert not v.phone_cut_math, f"inline formulas cut off at 390 px: {v.phone_cut_math}"


def test_few_display_equations_need_a_swipe_on_a_phone(visits):
    swipes = {
        page: v.phone_swipe_math
        for page, v in visits.items()
        if isinstance(v, Visit) and v.phone_swipe_math
    }
    total = sum(map(len, swipes.values()))
    assert total <= MAX_SWIPE_DISPLAYS, f"{total} displays scroll at 390 px: {swipes}"
    without_cue = [
        m for v in visits.values() if isinstance(v, Visit) for m in v.phone_swipe_without_cue
    ]
    assert not without_cue, f"displays that scroll with no visible cue: {without_cue}"


@pytest.mark.parametrize("page", PAGES)
def test_figure_text_is_legible_at_1280px(visit, page):
    v = visit(page)
    small = [f for f in v.figure_text_px if f["px"] < MIN_FIGURE_TEXT_PX]
    assert not small, f"figure text below {MIN_FIGURE_TEXT_PX} px: {small}"


def test_the_short_answer_is_in_the_first_screen(visit):
    box = visit(ANSWERS).first_screen
    assert box, "the answers page has no short answer (#answers-short)"
    assert box["aboveIt"] == [], f"only the title may come before it: {box['aboveIt']}"
    assert box["bottom"] <= 800, f"it ends at y = {box['bottom']} px, below the first screen"


@pytest.mark.parametrize("page", PAGES)
def test_the_page_fits_a_phone(visit, page):
    v = visit(page)
    assert v.phone_page_width == 390, f"the page is {v.phone_page_width} px wide at 390 px"
    assert not v.phone_clipped, f"cut off at 390 px: {v.phone_clipped}"


def test_index_redirects_to_the_introduction(visits):
    assert visits["index"].endswith(f"/{toc_pages()[0]}.html"), visits["index"]


# ---------------------------------------------------------------------------------------------
# Explorable figures (_static/explorables.js): every control moved, every readout checked
# ---------------------------------------------------------------------------------------------

EXPLORABLE_STATE = """root => ({
    kind: root.dataset.kind,
    data: {...root.dataset},
    inputs: Array.from(root.querySelectorAll('input[type=range]')).map(i => ({
        id: i.id, value: Number(i.value), min: Number(i.min), max: Number(i.max),
        label: root.querySelector(`label[for="${i.id}"]`)?.textContent || ''})),
    readouts: Object.fromEntries(Array.from(root.querySelectorAll('output[data-readout]'))
        .map(o => [o.dataset.readout, o.textContent])),
    live: Array.from(root.querySelectorAll('output[data-readout]'))
        .every(o => o.getAttribute('aria-live') === 'polite'),
    figure: root.querySelector('svg.klce-figure')?.innerHTML || '',
})"""


def expected_readouts(state: dict) -> dict[str, str]:
    """What klce computes for the explorable's current setting, at the displayed precision."""
    import numpy as np

    import klce

    values = [i["value"] for i in state["inputs"]]
    if state["kind"] in {"kl-pair", "ce-identity"}:
        w_p, w_q = np.array(values[:3]), np.array(values[3:])
        p, q = w_p / w_p.sum(), w_q / w_q.sum()
        if state["kind"] == "kl-pair":
            numbers = {"kl_pq": klce.kl_divergence(p, q), "kl_qp": klce.kl_divergence(q, p)}
        else:
            numbers = {
                "h_p": klce.entropy(p),
                "kl_pq": klce.kl_divergence(p, q),
                "ce": klce.cross_entropy(p, q),
            }
    else:
        (t,) = values
        teacher = np.array(state["data"]["teacher"].split(","), dtype=float)
        student = np.array(state["data"]["student"].split(","), dtype=float)
        p_t, q_t = klce.softmax(teacher / t), klce.softmax(student / t)
        kl_t = klce.kl_divergence(p_t, q_t)
        numbers = {"kl_t": kl_t, "kl_t2": t * t * kl_t, "h_t": klce.entropy(p_t)}
    return {name: f"{float(x):.4f}" for name, x in numbers.items()}


async def explore_page(context, site: str, docname: str) -> list[dict]:
    """Move every control of every explorable on one page with the keyboard; record each step."""
    outside: list[str] = []

    async def guard(route):
        if urlsplit(route.request.url).netloc == urlsplit(site).netloc:
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort("blockedbyclient")

    page = await context.new_page()
    await page.route("**/*", guard)
    steps = []
    try:
        await page.goto(urljoin(site, f"{docname}.html"), wait_until="load")
        roots = await page.query_selector_all("div.klce-explorable")
        for n, root in enumerate(roots):
            before = await root.evaluate(EXPLORABLE_STATE)
            steps.append({"explorable": n, "control": None, "state": before})
            for k, control in enumerate(before["inputs"]):
                element = await page.query_selector(f"#{control['id']}")
                await element.focus()
                key = "ArrowLeft" if control["value"] >= control["max"] else "ArrowRight"
                for _ in range(3):
                    await page.keyboard.press(key)
                state = await root.evaluate(EXPLORABLE_STATE)
                steps.append({"explorable": n, "control": k, "state": state})
                if n == 0 and k == 0:
                    shot = SCREENSHOTS / f"explorable__{docname.replace('/', '__')}.png"
                    await root.screenshot(path=str(shot))
    finally:
        await page.close()
    return [{**step, "outside": outside} for step in steps]


EXPLORABLE_PAGES = {
    "chapters/01_kl_divergence": 1,
    "chapters/02_cross_entropy": 1,
    "chapters/04_one_hot_labels": 1,
}


@pytest.fixture(scope="module")
def explorations(tmp_path_factory, site) -> dict[str, list[dict]]:
    executable = chromium_or_skip()

    async def run() -> dict[str, list[dict]]:
        async with async_playwright() as pw:
            context = await pw.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-explore")),
                executable_path=executable,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            results = {d: await explore_page(context, site, d) for d in EXPLORABLE_PAGES}
            await context.close()
            return results

    return asyncio.run(run())


@pytest.mark.parametrize("page", sorted(EXPLORABLE_PAGES))
def test_explorables_move_and_agree_with_klce(explorations, page):
    steps = explorations[page]
    roots = {s["explorable"] for s in steps}
    assert len(roots) >= EXPLORABLE_PAGES[page], f"explorables on the page: {len(roots)}"
    assert not any(s["outside"] for s in steps), "a request left the machine"
    previous = {}
    for step in steps:
        state = step["state"]
        assert state["live"], "readouts are announced to screen readers (aria-live)"
        assert all(i["label"] for i in state["inputs"]), "every control has a label"
        assert state["readouts"] == expected_readouts(state), (page, step["control"])
        if step["control"] is not None:
            before = previous[step["explorable"]]
            assert state["readouts"] != before["readouts"], "the numbers did not change"
            assert state["figure"] != before["figure"], "the figure did not change"
        previous[step["explorable"]] = state


# ---------------------------------------------------------------------------------------------
# Search results and the time until a chapter's math is final
# ---------------------------------------------------------------------------------------------

SEARCH_QUERIES = ["Pinsker", "cross-entropy", "label smoothing"]

SEARCH_RESULTS = """async () => {
    const t0 = Date.now();
    const done = () => document.querySelectorAll('#search-results li p.context').length > 0;
    while (!done() && Date.now() - t0 < 20000) await new Promise(r => setTimeout(r, 100));
    await new Promise(r => setTimeout(r, 500));  // the remaining summaries
    const items = Array.from(document.querySelectorAll('#search-results li'));
    return {n: items.length, text: items.map(li => li.textContent).join(' ')};
}"""


def fresh_context(pw, executable: str, profile: Path, width: int = 1280):
    return pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=executable,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": width, "height": 800},
        service_workers="block",
    )


@pytest.fixture(scope="module")
def search_results(tmp_path_factory, site) -> dict[str, dict]:
    executable = chromium_or_skip()
    profile = tmp_path_factory.mktemp("chromium-search")

    async def run() -> dict[str, dict]:
        out = {}
        async with async_playwright() as pw:
            context = await fresh_context(pw, executable, profile)
            page = await context.new_page()
            for query in SEARCH_QUERIES:
                await page.goto(urljoin(site, f"search.html?q={query}"), wait_until="load")
                out[query] = await page.evaluate(SEARCH_RESULTS)
            await context.close()
        return out

    return asyncio.run(run())


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_search_snippets_show_no_raw_tex(search_results, query):
    found = search_results[query]
    assert found["n"] > 0, f"no results for {query!r}"
    raw = [
        f"{what}: {m.group(0)[:60]!r}"
        for pattern, what in RAW_TEX
        for m in pattern.finditer(found["text"])
    ]
    assert not raw, f"raw TeX in the results for {query!r}: {raw[:5]}"


MATH_PAGES = [p for p in toc_pages() if p.startswith("chapters/")]
LOADS = 3

# The moment the page is final: the load event, and every font its text needs (KaTeX's among
# them) loaded and laid out. With the math assets blocked, only the load event is waited for.
FINAL_AT = """async (blocked) => {
    if (!blocked) await document.fonts.ready;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return Math.max(performance.now(),
                    performance.getEntriesByType('navigation')[0].loadEventEnd);
}"""


@pytest.fixture(scope="module")
def math_timings(tmp_path_factory, site) -> dict[str, dict]:
    """Per chapter, the median time until its math is final, with and without the math assets."""
    executable = chromium_or_skip()

    async def run() -> dict[str, dict]:
        times: dict[str, dict[str, list[float]]] = {}
        async with async_playwright() as pw:
            for _ in range(LOADS):  # interleaved, so a busy spell hits both kinds of load
                for blocked in (False, True):
                    profile = tmp_path_factory.mktemp("chromium-timing")
                    context = await fresh_context(pw, executable, profile)

                    async def guard(route, blocked=blocked):
                        url = route.request.url
                        if urlsplit(url).netloc != urlsplit(site).netloc:
                            await route.abort("blockedbyclient")
                        elif blocked and "/_static/katex/" in url:
                            await route.abort("blockedbyclient")
                        else:
                            await route.continue_()

                    await context.route("**/*", guard)
                    for docname in MATH_PAGES:
                        page = await context.new_page()
                        await page.goto(urljoin(site, f"{docname}.html"), wait_until="load")
                        t = await page.evaluate(FINAL_AT, blocked)
                        key = "blocked" if blocked else "final"
                        times.setdefault(docname, {}).setdefault(key, []).append(t)
                        await page.close()
                    await context.close()
        return {d: {k: sorted(v)[len(v) // 2] for k, v in t.items()} for d, t in times.items()}

    result = asyncio.run(run())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "math-timings.json").write_text(json.dumps(result, indent=1))
    return result


@pytest.mark.parametrize("page", MATH_PAGES)
def test_math_is_final_soon_after_the_page_loads(math_timings, page):
    t = math_timings[page]
    ratio = t["final"] / t["blocked"]
    assert ratio <= MAX_MATH_RATIO, (
        f"math final after {t['final']:.0f} ms, {ratio:.2f} x the {t['blocked']:.0f} ms load "
        f"with the math assets blocked (at most {MAX_MATH_RATIO})"
    )
