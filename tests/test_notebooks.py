"""Every chapter is stored fully executed, is in the table of contents, and keeps the book's form.

nbval (run by the same `pytest` call) re-executes each notebook and compares its outputs with the
stored ones; the tests here check what nbval does not: that the stored notebook is a clean,
in-order run, that each number in the prose is glued, and that each chapter has the parts a
reader and an instructor rely on.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([A-Za-z_][\w]*)")
# Math, code and glue/cite roles are not prose; a decimal number left after removing them was typed.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|```.*?```|`[^`]*`", re.S)
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d{2,}(?![\w])")


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


def test_there_are_six_chapters():
    assert [p.stem[:2] for p in CHAPTERS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("entry", toc_files())
def test_every_toc_entry_exists(entry):
    assert any((ROOT / f"{entry}{ext}").is_file() for ext in (".md", ".ipynb")), entry


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_every_chapter_is_in_the_toc(path):
    assert f"chapters/{path.stem}" in toc_files()


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
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


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_prose_numbers_are_glued(path):
    nb = load(path)
    text = markdown(nb)
    missing = set(GLUE_ROLE.findall(text)) - glued_names(nb)
    assert not missing, f"glue roles without a glued value: {sorted(missing)}"
    typed = DECIMAL.findall(NOT_PROSE.sub(" ", text))
    assert not typed, f"numbers typed into the prose instead of glued: {typed}"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
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


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_chapter_asserts_its_claims(path):
    nb = load(path)
    asserts = sum("".join(c["source"]).count("assert ") for c in code_cells(nb))
    assert asserts >= 10, f"only {asserts} assert statements"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_colab_cell_installs_klce_from_the_configured_repository(path):
    """The first code cell installs klce on Colab only, from `repository.url` in _config.yml."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    first = code_cells(load(path))[0]
    source = "".join(first["source"])
    assert 'if "google.colab" in sys.modules:' in source
    assert f'"klce @ git+{url}@main"' in source, "update the Colab cell after changing the URL"
    assert "remove-cell" in first["metadata"].get("tags", [])
    assert first["outputs"] == [], "locally the cell must do nothing"
