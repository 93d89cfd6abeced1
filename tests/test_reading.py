"""What a chapter asks of its reader, counted from the stored notebooks.

- **One lecture per chapter.** Each chapter's core path (everything but "Going further",
  exercises, summary and references) takes at most ``CORE_BUDGET_MINUTES`` at a careful read
  (``klce.book``: 100 words and 5 lines of visible code a minute), and the times its overview
  states are the ones glued from that computation, not typed.
- **Exercises at every level.** Every chapter has at least one hard exercise.
- **Cells that show what they compute.** At least ``MIN_SHOWN`` of a page's visible code cells
  end by showing a result (printed text, a table, a figure), and asserts are at most
  ``MAX_ASSERTS`` of its visible code lines: guard checks live in cells the page does not show
  (tagged ``remove-cell``; nbval still runs them) or in ``tests/``.
"""

import json
import math
import re
from pathlib import Path

import pytest
from conftest import ROOT

from klce.book import CORE_BUDGET_MINUTES, reading_time
from klce.plotting import MIN_FONT_PT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.stem.startswith("00_")]
HIDDEN = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
SHOWING = {"stream", "execute_result", "display_data"}
MIN_SHOWN = 0.60
MAX_ASSERTS = 0.10


def visible_code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text())["cells"]
    return [
        c
        for c in cells
        if c["cell_type"] == "code" and not set(c.get("metadata", {}).get("tags", [])) & HIDDEN
    ]


def glued(path: Path) -> dict[str, str]:
    """The text each glue name stores in the notebook (klce.book.glue stores formatted text)."""
    out = {}
    for cell in json.loads(path.read_text())["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = next(v for k, v in output["data"].items() if k.endswith("text/plain"))
                out[name] = text.strip("'\"")
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_core_path_fits_one_lecture(path):
    times = reading_time(path)
    assert times.core_minutes <= CORE_BUDGET_MINUTES, (
        f"core path {times.core_minutes:.0f} min ({times.core_words} words, "
        f"{times.core_code_lines} code lines) > {CORE_BUDGET_MINUTES} min: move material to "
        "'Going further'"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_stated_times_are_the_computed_ones(path):
    times, values = reading_time(path), glued(path)
    expected = {
        "rt_core_min": str(math.ceil(times.core_minutes)),
        "rt_core_words": f"{times.core_words:,d}",
        "rt_core_lines": f"{times.core_code_lines:,d}",
        "rt_opt_min": str(math.ceil(times.optional_minutes)),
        "rt_ex_min": str(times.exercise_minutes),
        "rt_ex_hard": str(times.exercises["hard"]),
    }
    stale = {k: (values.get(k), v) for k, v in expected.items() if values.get(k) != v}
    assert not stale, f"glued (stored, computed): {stale}; run `make execute`"
    overview = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert "{glue:text}`rt_core_min`" in overview, "the overview types its reading time"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_has_a_hard_exercise(path):
    assert reading_time(path).exercises["hard"] >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_visible_cells_show_their_results(path):
    cells = visible_code_cells(path)
    shown = [c for c in cells if any(o["output_type"] in SHOWING for o in c.get("outputs", []))]
    assert len(shown) >= MIN_SHOWN * len(cells), (
        f"{len(shown)} of {len(cells)} visible code cells show a result (at least {MIN_SHOWN:.0%})"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_asserts_step_aside(path):
    lines = [
        line.strip()
        for c in visible_code_cells(path)
        for line in "".join(c["source"]).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    asserts = [line for line in lines if line.startswith("assert")]
    assert len(asserts) <= MAX_ASSERTS * len(lines), (
        f"{len(asserts)} of {len(lines)} visible code lines are asserts (at most {MAX_ASSERTS:.0%})"
    )


FONT_SIZE = re.compile(r"\b(?:fontsize|labelsize)\s*=\s*(\d+(?:\.\d+)?)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_figure_text_is_never_set_below_the_minimum(path):
    """klce.plotting sizes figure text for legibility; a drawing cell may not shrink it."""
    small = [
        match.group(0)
        for cell in json.loads(path.read_text())["cells"]
        if cell["cell_type"] == "code"
        for match in FONT_SIZE.finditer("".join(cell["source"]))
        if "plt" in "".join(cell["source"]) and float(match.group(1)) < MIN_FONT_PT
    ]
    assert not small, f"text below {MIN_FONT_PT} pt in figures: {small}"
