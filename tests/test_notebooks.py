"""Every chapter is stored fully executed, is in the table of contents, and keeps the book's form.

nbval (run by the same `pytest` call) re-executes each notebook and compares its outputs with the
stored ones; the tests here check what nbval does not: that the stored notebook is a clean,
in-order run, that each number in the prose is glued, and that each chapter has the parts a
reader and an instructor rely on.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

# Every notebook page, and of those the six lecture chapters (00_answers is the answers page).
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.stem.startswith("00_")]
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([A-Za-z_][\w]*)")
# Math, code and glue/cite roles are not prose; a decimal number left after removing them was typed.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|```.*?```|`[^`]*`", re.S)
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d{2,}(?![\w])")


HIDDEN = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
# The code lines a reader sees on the six chapter pages together (issue: at most 1,800).
VISIBLE_LINES_BUDGET = 1800


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def glued_names(nb: dict) -> set[str]:
    names = set()
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook", {})
            if "name" in scrap:
                names.add(scrap["name"])
    return names


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


ids = [p.stem for p in CHAPTERS]
nb_ids = [p.stem for p in NOTEBOOKS]


def test_there_are_six_chapters():
    assert [p.stem[:2] for p in CHAPTERS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("entry", toc_files())
def test_every_toc_entry_exists(entry):
    assert any((ROOT / f"{entry}{ext}").is_file() for ext in (".md", ".ipynb")), entry


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_every_chapter_is_in_the_toc(path):
    assert f"chapters/{path.stem}" in toc_files()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_executed_in_order_without_errors(path):
    nb = load(path)
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run `make execute`"
    for i, cell in enumerate(code_cells(nb), start=1):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i} stored an error"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr: {out.get('text')!r}"
        source = "".join(cell["source"])
        if re.search(r"\bplt\.show\(\)|\bprint\(|\bglue\(", source):
            assert cell["outputs"], f"cell {i} should have stored outputs"
        assert "sys.path" not in source, f"cell {i}: import klce, do not edit sys.path"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_prose_numbers_are_glued(path):
    nb = load(path)
    text = markdown(nb)
    missing = set(GLUE_ROLE.findall(text)) - glued_names(nb)
    assert not missing, f"glue roles without a glued value: {sorted(missing)}"
    typed = DECIMAL.findall(NOT_PROSE.sub(" ", text))
    assert not typed, f"numbers typed into the prose instead of glued: {typed}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_figures_have_captions_names_and_alt_text(path):
    nb = load(path)
    figures = 0
    for cell in code_cells(nb):
        if any("image/png" in out.get("data", {}) for out in cell["outputs"]):
            figures += 1
            meta = cell["metadata"].get("mystnb", {})
            alt = meta.get("image", {}).get("alt", "")
            assert len(alt.split()) >= 5, f"figure cell without meaningful alt text: {alt!r}"
            assert meta.get("figure", {}).get("caption"), "figure cell without a caption"
            assert meta["figure"].get("name", "").startswith("fig-"), "figure without a name"
    if path in CHAPTERS:
        assert figures >= 3, f"a chapter has at least three figures, found {figures}"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_chapter_has_the_parts_of_a_lecture(path):
    nb = load(path)
    text = markdown(nb)
    for part in ("Learning objectives", "Prerequisites", "Estimated time"):
        assert part in text, f"the overview states the {part.lower()}"
    assert re.search(r"^## Summary", text, re.M), "a summary section"
    assert re.search(r"^## References", text, re.M), "a references section"
    assert "{cite" in text, "at least one citation"
    assert len(re.findall(r"\{prf:theorem\}", text)) >= 1, "at least one theorem"
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
    solved = set(re.findall(r"```\{solution(?:-start)?\} (\S+)", text))
    assert len(exercises) >= 3, "three or more exercises"
    assert set(exercises) <= solved, f"exercises without solutions: {set(exercises) - solved}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_colab_cell_installs_klce_from_the_configured_repository(path):
    """The first code cell installs klce on Colab only, from `repository.url` in _config.yml."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    first = code_cells(load(path))[0]
    source = "".join(first["source"])
    assert 'if "google.colab" in sys.modules:' in source
    assert f'url = "{url}"' in source, "update the Colab cell after changing the URL"
    assert 'requirement = f"klce @ git+{url}@main"' in source
    assert "remove-cell" in first["metadata"].get("tags", [])
    assert first["outputs"] == [], "locally the cell must do nothing"


def tags(cell: dict) -> set[str]:
    return set(cell["metadata"].get("tags", []))


def glued_values(nb: dict) -> dict[str, str]:
    """The text/plain of every glued value, by name."""
    values = {}
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook", {})
            if "name" in scrap:
                data = out["data"]
                values[scrap["name"]] = next(v for k, v in data.items() if k.endswith("text/plain"))
    return values


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_glued_values_carry_only_the_digits_shown(path):
    """Portable outputs: a glued value is formatted text (klce.book.glue) or an exact integer.

    A raw float64 would store all seventeen digits, the last of which change between CPUs.
    """
    nb = load(path)
    raw = {}
    for name, text in glued_values(nb).items():
        value = ast.literal_eval(text)
        if not isinstance(value, str | int):
            raw[name] = text
    assert not raw, f"glue these through klce.book.glue with a format spec: {raw}"
    for cell in code_cells(nb):
        assert "from myst_nb import glue" not in "".join(cell["source"]), "use klce.book.glue"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_glue_roles_paste_text_without_reformatting(path):
    """The prose pastes the glued text as it is: {glue:text}`name`, no second format spec."""
    text = markdown(load(path))
    bad = re.findall(r"\{glue(?::\w+)?\}`[^`]*`", text)
    bad = [role for role in bad if not re.fullmatch(r"\{glue:text\}`\w+`", role)]
    assert not bad, f"use {{glue:text}}`name` (the spec belongs in the glue call): {bad}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_glue_plumbing_is_removed_from_the_page(path):
    """Every cell that glues is tagged remove-cell; nbval still runs it."""
    for i, cell in enumerate(code_cells(load(path)), start=1):
        if re.search(r"\bglue\(", "".join(cell["source"])):
            assert "remove-cell" in tags(cell), f"code cell {i} glues but is shown on the page"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=nb_ids)
def test_drawing_cells_are_folded(path):
    """A cell that draws a figure holds only drawing code and is folded (hide-input)."""
    for i, cell in enumerate(code_cells(load(path)), start=1):
        draws = any("image/png" in out.get("data", {}) for out in cell["outputs"])
        if draws:
            assert tags(cell) & {"hide-input", "remove-input"}, f"code cell {i}: fold it"
            source = "".join(cell["source"])
            assert "assert " not in source, f"code cell {i}: move its asserts to a visible cell"


def visible_code_lines(nb: dict) -> int:
    return sum(
        len([line for line in "".join(c["source"]).splitlines() if line.strip()])
        for c in code_cells(nb)
        if not tags(c) & HIDDEN
    )


def test_visible_code_fits_the_budget():
    lines = {p.stem: visible_code_lines(load(p)) for p in NOTEBOOKS}
    assert sum(lines.values()) <= VISIBLE_LINES_BUDGET, lines


def test_intro_clones_the_configured_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    intro = (ROOT / "intro.md").read_text()
    assert f"git clone {url} " in intro, "the intro's clone command uses repository.url"
    assert "<this repository>" not in intro
