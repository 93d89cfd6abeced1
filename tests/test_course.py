"""The book as a course module: one PDF, a student site without solutions, notebooks to download.

- `make pdf` (here: the same jupyter-book build into a temporary folder) gives one PDF with every
  chapter, its theorems, figures, exercises and solutions, and typeset equations. Needs TeX
  (README, "The PDF"); without it these tests skip, except under CI=true, where they fail.
- `make book-student` (the real recipe, see the `student_build` fixture) gives the same site with
  every solution left out: no solution's id, text or figure reaches any of its files, while the
  instructor's site has a solution for every `{solution}` in the chapters.
- Every chapter page offers its .ipynb for download and a Colab button made from the one
  `repository.url` in _config.yml; the book closes with the notation and bibliography pages, and
  the bibliography lists every cited work.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() == "true"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [
    c["file"]
    for part in TOC["parts"]
    for c in part["chapters"]
    if c["file"].startswith("chapters/")
]
# The numbered lecture chapters (the answers page before them is chapter 0 in the PDF).
LECTURES = [c["file"] for part in TOC["parts"] if part.get("numbered") for c in part["chapters"]]
TEX_PACKAGES = (
    "latexmk texlive-xetex texlive-latex-extra texlive-fonts-recommended fonts-freefont-otf"
)
TEX_HINT = f"sudo apt-get install {TEX_PACKAGES} poppler-utils"
# Front matter (title, contents, introduction) and back matter take about 8 pages; a chapter with
# its figures, theorems, exercises and solutions takes well over 8 (about 25 in the first draft).
MIN_PAGES = 8 + 8 * len(CHAPTERS)
SOLUTION = re.compile(r"(?:`{3,}|:{3,})\{solution(?:-start)?\}\s+(\S+)")
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")


def notebook(docname: str) -> dict:
    return json.loads((ROOT / f"{docname}.ipynb").read_text())


def markdown(docname: str) -> str:
    nb = notebook(docname)
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def chapter_title(docname: str) -> str:
    match = re.search(r"^# (.+)$", markdown(docname), re.M)
    assert match, f"{docname} has no '# title'"
    return match.group(1)


def words(text: str) -> str:
    """Text reduced to lower-case words: the same in HTML, in pdftotext's output and in sources."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The whole book as one PDF, built as `make pdf` builds it, into a temporary folder."""
    missing = [
        tool
        for tool in ("latexmk", "xelatex", "pdftotext", "pdfinfo", "pdffonts")
        if not shutil.which(tool)
    ]
    if missing:
        message = f"{', '.join(missing)} not found: install TeX with `{TEX_HINT}`"
        if IN_CI:
            pytest.fail(f"{message} (under CI=true the PDF tests must run)")
        pytest.skip(message)
    out = tmp_path_factory.mktemp("pdf")
    cmd = [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"]
    cmd += ["--builder", "pdflatex", "--path-output", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    env |= {"PYTHONHASHSEED": "0", "LATEXMKOPTS": "-interaction=nonstopmode -halt-on-error"}
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=1200,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    target = Path(CONFIG["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name
    pdfs = sorted((out / "_build" / "latex").glob("*.pdf"))
    assert [p.name for p in pdfs] == [target], f"expected one PDF, {target}: {pdfs}"
    return pdfs[0]


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return words(text.stdout)


def test_pdf_has_no_broken_link_and_no_missing_glyph(pdf):
    """Every cross-reference resolves in LaTeX too, and the fonts have every character used."""
    log = pdf.with_suffix(".log").read_text(errors="replace")
    undefined = re.findall(r"(?:Hyper reference|Reference|Citation) `[^']*'[^\n]*undefined", log)
    assert not undefined, undefined[:5]
    assert "There were undefined references" not in log
    assert "Missing character" not in log, [
        line for line in log.splitlines() if "Missing character" in line
    ][:5]


def test_pdf_has_enough_pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= MIN_PAGES, f"{pages} pages; the whole book needs at least {MIN_PAGES}"


def test_pdf_typesets_equations(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "math" in fonts.stdout.casefold(), "no math font: equations were not typeset"


@pytest.mark.parametrize("docname", [*CHAPTERS, "notation", "bibliography"])
def test_pdf_has_every_chapter(pdf_text, docname):
    if docname.startswith("chapters/"):
        title = chapter_title(docname)
    else:
        title = re.search(r"^# (.+)$", (ROOT / f"{docname}.md").read_text(), re.M).group(1)
    title = re.sub(r"\$[^$]*\$|`[^`]*`", " ", title)  # math and code may be set differently
    assert words(title) in pdf_text, f"chapter title {title!r} is not in the PDF"


@pytest.mark.parametrize("number", range(1, len(LECTURES) + 1))
def test_pdf_has_theorems_figures_exercises_and_solutions(pdf_text, number):
    for label in ("theorem", "fig", "exercise", "solution to exercise"):
        assert f"{label} {number} 1" in pdf_text, f"no '{label.title()} {number}.1' in the PDF"


def test_pdf_numbers_chapters_as_the_website_does(pdf_text):
    """The answers page is chapter 0, so chapter 1 of the PDF is the KL chapter, as online."""
    assert "chapter 0 the question answered" in pdf_text
    assert "chapter 1 kl divergence" in pdf_text


def test_pdf_has_every_figure(pdf):
    figures = 0
    for docname in CHAPTERS:
        for cell in notebook(docname)["cells"]:
            outputs = cell.get("outputs", [])
            figures += sum("image/png" in out.get("data", {}) for out in outputs)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    images = len(listing.stdout.splitlines()[2:]) if listing.returncode == 0 else figures
    assert images >= figures > 0, f"{figures} figures in the chapters, {images} images in the PDF"


# ---------------------------------------------------------------------------------------------
# The student site
# ---------------------------------------------------------------------------------------------

BINARY = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".woff", ".woff2", ".ttf", ".eot", ".ico"}


def solutions(page: Path | BeautifulSoup) -> list:
    return (soup(page) if isinstance(page, Path) else page).select("div.solution")


def site_text(html: Path, *, drop_solutions: bool = False) -> str:
    """Every word in a built site's files (not KaTeX's files), or in all but its solutions."""
    parts = []
    for path in sorted(html.rglob("*")):
        rel = path.relative_to(html).as_posix()
        if not path.is_file() or path.suffix in BINARY or rel.startswith("_static/katex/"):
            continue
        if drop_solutions and rel.startswith("_sources/"):
            continue  # the notebooks themselves, solutions included
        if path.suffix != ".html":
            parts.append(path.read_text(encoding="utf-8", errors="ignore"))
            continue
        page = soup(path)
        for solution in solutions(page) if drop_solutions else []:
            solution.decompose()
        parts.append(page.get_text(" "))
    return words(" ".join(parts))


def fingerprints(solution) -> list[str]:
    """A solution's sentences and code lines, as words (four or more each)."""
    body = solution.select_one("#solution-content") or solution
    pieces = [words(p) for p in re.split(r"[.;:!?\n]", body.get_text(" "))]
    return [p for p in pieces if len(p.split()) >= 4]


def test_student_build_is_clean(student_build):
    if "solution_end_node" in student_build.log:
        pytest.fail(
            "sphinx-exercise cannot hide gated solutions ({solution-start} ... {solution-end}) "
            "by itself: load code/_ext/hide_gated_solutions.py (README, 'The student site')\n"
            + student_build.log[-3000:]
        )
    assert student_build.returncode == 0, student_build.log[-5000:]
    assert student_build.warnings == []
    assert (student_build.html / "index.html").is_file()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_instructor_site_has_every_solution(book_build, docname):
    expected = SOLUTION.findall(markdown(docname))
    found = solutions(book_build.html / f"{docname}.html")
    targets = [
        a["href"].split("#")[-1] for s in found for a in s.select(".admonition-title a[href]")
    ]
    assert len(found) == len(expected), (
        f"{len(expected)} solutions in the source, {len(found)} built"
    )
    assert sorted(targets) == sorted(expected), "solutions must link to their exercises"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_student_site_has_the_exercises_but_no_solution(book_build, student_build, docname):
    instructor = book_build.html / f"{docname}.html"
    student = student_build.html / f"{docname}.html"
    exercises = {e["id"] for e in soup(instructor).select("div.exercise[id]")}
    assert exercises <= {e["id"] for e in soup(student).select("div.exercise[id]")}
    assert not solutions(student), "a solution block is in the student site"
    student_ids = {
        tag["id"]
        for page in student_build.html.rglob("*.html")
        for tag in soup(page).find_all(id=True)
    }
    leaked_ids = {s["id"] for s in solutions(instructor)} & student_ids
    assert not leaked_ids, f"solution ids in the student site: {leaked_ids}"


def test_no_solution_text_or_figure_reaches_the_student_site(book_build, student_build):
    student_text = site_text(student_build.html)
    # a sentence that the instructor's site also has outside its solutions proves nothing
    shared = site_text(book_build.html, drop_solutions=True)
    student_images = {p.name for p in (student_build.html / "_images").glob("*")}
    checked = 0
    for docname in CHAPTERS:
        for solution in solutions(book_build.html / f"{docname}.html"):
            for piece in fingerprints(solution):
                if piece in shared:
                    continue
                checked += 1
                assert piece not in student_text, f"{docname}, {solution['id']}: {piece!r} leaked"
            for img in solution.select("img[src]"):
                name = Path(img["src"]).name
                assert name not in student_images, f"{docname}: solution figure {name} leaked"
    assert checked >= len(CHAPTERS), "too little solution text to compare the two sites"


# ---------------------------------------------------------------------------------------------
# Download and launch buttons, notation and bibliography
# ---------------------------------------------------------------------------------------------


def colab_url(docname: str) -> str:
    repo = CONFIG["repository"]
    owner_repo = re.sub(r"^https://github\.com/|\.git$|/$", "", repo["url"])
    path = "/".join(p for p in (repo.get("path_to_book", "").strip("/"), f"{docname}.ipynb") if p)
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{owner_repo}/blob/{repo.get('branch', 'main')}/{path}"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_offers_its_notebook_for_download(book_build, docname):
    page = book_build.html / f"{docname}.html"
    links = [
        a["href"]
        for a in soup(page).select("a[href]")
        if a["href"].endswith(f"_sources/{docname}.ipynb")
    ]
    assert links, "no download link for the chapter's .ipynb"
    downloaded = (page.parent / links[0]).resolve()
    assert json.loads(downloaded.read_text())["cells"] == notebook(docname)["cells"]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_has_a_colab_button_from_the_repository_url(book_build, docname):
    hrefs = {a["href"] for a in soup(book_build.html / f"{docname}.html").select("a[href]")}
    assert colab_url(docname) in hrefs, f"no Colab button linking to {colab_url(docname)}"


def test_the_reference_part_closes_the_book():
    last = TOC["parts"][-1]["chapters"]
    assert [c["file"] for c in last] == ["notation", "glossary", "api", "bibliography"]


def test_glossary_and_reference_pages_render(book_build):
    glossary = soup(book_build.html / "glossary.html")
    terms = {dt["id"].removeprefix("term-") for dt in glossary.select("dl.glossary dt[id]")}
    for term in ("nat", "bit", "logit", "softmax", "perplexity", "ELBO", "label-smoothing"):
        assert term in terms, term
    api = soup(book_build.html / "api.html")
    documented = {dt["id"] for dt in api.select("dl.py.function > dt[id]")}
    import klce

    for name in klce.__all__:
        obj = getattr(klce, name)
        if callable(obj) and not isinstance(obj, type):
            assert f"{obj.__module__}.{name}" in documented, name
    kl_entry = api.select_one("#klce\\.information\\.kl_divergence").find_next_sibling("dd")
    assert any("Used in" in p.get_text() for p in kl_entry.select("p.rubric"))


def test_chapters_link_terms_to_the_glossary(book_build):
    for chapter in ("chapters/01_kl_divergence", "chapters/04_one_hot_labels"):
        page = soup(book_build.html / f"{chapter}.html")
        assert page.select('a[href*="glossary.html#term-"]'), chapter


def test_notation_page_renders(book_build):
    page = soup(book_build.html / "notation.html")
    assert page.select_one("article h1").get_text().startswith("Notation")
    assert len(page.select("article table")) >= 3
    assert len(page.select("article .math")) >= 20


def bib_titles() -> dict[str, str]:
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / CONFIG["bibtex_bibfiles"][0])).entries
    return {
        key: entry.fields["title"].replace("{", "").replace("}", "")
        for key, entry in entries.items()
    }


def test_bibliography_lists_every_cited_work(book_build):
    sources = [markdown(d) for d in CHAPTERS] + [
        (ROOT / f"{d}.md").read_text() for d in ("intro", "notation")
    ]
    cited = {
        key.strip() for text in sources for group in CITE.findall(text) for key in group.split(",")
    }
    assert cited, "the book cites nothing"
    titles = bib_titles()
    assert cited <= set(titles), f"cited but not in references.bib: {cited - set(titles)}"
    page = soup(book_build.html / "bibliography.html")
    listed = words(page.select_one("article").get_text(" "))
    missing = [key for key in sorted(cited) if words(titles[key]) not in listed]
    assert not missing, f"cited works missing from the bibliography: {missing}"
    assert len(page.select("article .citation")) == len(cited), (
        "the bibliography lists uncited works"
    )


# ---------------------------------------------------------------------------------------------
# The course bundle (`make course`): site, student site, book PDF, student PDF, syllabus
# ---------------------------------------------------------------------------------------------

PDF_NAME = Path(CONFIG["latex"]["latex_documents"]["targetname"]).stem


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


@pytest.fixture(scope="module")
def course(tmp_path_factory, pdf) -> Path:
    """The bundle, built by the real `make course` recipe into a temporary COURSE_DIR."""
    out = tmp_path_factory.mktemp("course")
    cmd = ["make", "--no-print-directory", "-o", ".venv/.requirements-installed", "course"]
    cmd += [f"BIN={BIN}", f"COURSE_DIR={out}"]
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env | {"PYTHONHASHSEED": "0"},
        stdin=subprocess.DEVNULL,
        timeout=2400,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.glob("*.pdf")}
    for site in ("site", "site/student"):
        sizes[site + "/"] = sum(f.stat().st_size for f in (out / site).rglob("*") if f.is_file())
    print(json.dumps(sizes, indent=1))  # shown with -s; the bundle's contents and sizes
    return out


def test_course_bundle_holds_both_sites_and_both_pdfs(course):
    for part in ("site/index.html", "site/chapters/00_syllabus.html", "site/student/index.html"):
        assert (course / part).is_file(), f"{part} is missing from the bundle"
    for pdf_file in (f"{PDF_NAME}.pdf", f"{PDF_NAME}-student.pdf"):
        assert (course / pdf_file).is_file()
        assert (course / "site" / "downloads" / pdf_file).is_file()
    assert (course / "site" / "student" / "downloads" / f"{PDF_NAME}-student.pdf").is_file()
    assert not (course / "site" / "student" / "downloads" / f"{PDF_NAME}.pdf").exists()


def test_student_pdf_is_the_book_without_solutions(course, book_build):
    book, student = course / f"{PDF_NAME}.pdf", course / f"{PDF_NAME}-student.pdf"
    assert pdf_pages(book) >= MIN_PAGES
    assert MIN_PAGES // 2 <= pdf_pages(student) < pdf_pages(book)
    text = subprocess.run(["pdftotext", str(student), "-"], capture_output=True, text=True)
    student_text = words(text.stdout)
    assert "exercise" in student_text
    shared = site_text(book_build.html, drop_solutions=True)
    leaked = [
        piece
        for docname in CHAPTERS
        for solution in solutions(book_build.html / f"{docname}.html")
        for piece in fingerprints(solution)
        if piece not in shared and piece in student_text
    ]
    assert not leaked, f"solution text in the student PDF: {leaked[:3]}"


def test_student_site_in_the_bundle_has_no_solution_or_notebook(course, book_build):
    student = course / "site" / "student"
    assert not list(student.rglob("*.ipynb")), "the student site offers notebooks (solutions)"
    assert not any(solutions(page) for page in student.rglob("*.html"))
    student_text = site_text(student)
    shared = site_text(book_build.html, drop_solutions=True)
    for docname in CHAPTERS:
        for solution in solutions(book_build.html / f"{docname}.html"):
            for piece in fingerprints(solution):
                assert piece in shared or piece not in student_text, f"{docname}: {piece!r}"


@pytest.mark.parametrize(
    ("site", "labels"),
    [
        ("site", ["Book (PDF)", "Student edition (PDF)", "Student edition (website)"]),
        ("site/student", ["Student edition (PDF)"]),
    ],
)
def test_download_menu_offers_the_bundle(course, site, labels):
    for page in ("intro.html", f"{CHAPTERS[1]}.html"):
        path = course / site / page
        meta = soup(path).find("meta", attrs={"name": "klce-downloads"})
        assert meta, f"{site}/{page} offers no course downloads"
        entries = json.loads(meta["content"])
        assert [e["label"] for e in entries] == labels
        for entry in entries:
            assert (path.parent / entry["href"]).resolve().is_file(), entry


def test_plain_build_offers_no_course_downloads(book_build):
    assert not soup(book_build.html / "intro.html").find("meta", attrs={"name": "klce-downloads"})


def test_syllabus_is_in_the_navigation(book_build):
    nav = soup(book_build.html / "intro.html").select("nav.bd-docs-nav a[href]")
    assert any(a["href"].endswith("syllabus.html") for a in nav), "the sidebar has no syllabus"
