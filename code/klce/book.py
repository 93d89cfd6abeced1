"""Values for the book's prose, at the precision the reader sees.

The chapters are notebooks whose stored outputs must reproduce on every
IEEE-754 machine (another CPU, another BLAS kernel, AVX-512 on or off). A raw
float64 does not: its last digits move with the order of a sum or with the
last-place accuracy of ``log`` and ``exp``. So the chapters glue text, never
raw floats: :func:`glue` formats the value exactly as the prose shows it and
stores that string, which carries only the digits the computation fixes.

A number that measures rounding error (an identity "to 1e-15", a gap between
two algorithms) is never shown as this machine's residue: the chapter glues
the bound it asserts against, for example ``glue("tol", 1e-14, ".0e")`` after
``assert gap < 1e-14``.

In the prose, paste with ``{glue:text}`name``` (no format spec: the string is
already formatted).
"""

from __future__ import annotations

import json
import math
import numbers
import re
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "CODE_LINES_PER_MINUTE",
    "CORE_BUDGET_MINUTES",
    "EXERCISE_MINUTES",
    "WORDS_PER_MINUTE",
    "ReadingTime",
    "fmt",
    "glue",
    "glue_reading_time",
    "power_of_ten",
    "reading_time",
]


def fmt(value: object, spec: str | None = None) -> str:
    """Format a value for the prose, refusing floats without a format spec.

    Parameters
    ----------
    value : int, float, str or bool
        The value. NumPy scalars are accepted.
    spec : str, optional
        A format spec (``".4f"``, ``".2e"``, ``".3g"``, ``",d"``, ``".1%"``).
        Required for a real number that is not an integer type, because a
        float's full ``repr`` carries digits that change between machines.

    Returns
    -------
    str
        The text the reader sees.

    Raises
    ------
    ValueError
        If ``value`` is a non-integer real number and ``spec`` is missing, or
        if ``value`` is not finite and ``spec`` is given (``inf`` and ``nan``
        are glued as words by the chapter, not formatted as numbers).

    Examples
    --------
    >>> fmt(0.29593831369002206, ".4f")
    '0.2959'
    >>> fmt(10_000, ",d")
    '10,000'
    >>> fmt(7)
    '7'
    >>> fmt(2.5e-15, ".0e")
    '2e-15'
    >>> fmt(0.1)
    Traceback (most recent call last):
    ...
    ValueError: value 0.1 is a float: give a format spec such as ".4f"
    """
    if isinstance(value, bool | str):
        return format(value, spec) if spec else str(value)
    if isinstance(value, numbers.Integral):
        return format(int(value), spec) if spec else str(int(value))
    if isinstance(value, numbers.Real):
        if not spec:
            # its full repr carries digits that change between machines
            raise ValueError(f'value {float(value)!r} is a float: give a format spec such as ".4f"')
        as_float = float(value)
        if as_float != as_float or as_float in (float("inf"), float("-inf")):
            raise ValueError(f"value is {as_float!r}: glue a word, not a number")
        return format(as_float, spec)
    raise ValueError(f"value must be a number or a string, got {type(value).__name__}")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, digits: int = 0) -> str:
    """Write a number as the prose shows it: a power of ten, with a mantissa if needed.

    Parameters
    ----------
    value : float
        A finite, non-zero number.
    digits : int, optional
        Digits of the mantissa after the decimal point (default 0).

    Returns
    -------
    str
        ``"10⁻⁶"`` when the mantissa rounds to 1, else ``"2.5 × 10⁻⁵"``.

    Raises
    ------
    ValueError
        If ``value`` is zero or not finite, or ``digits`` is negative.

    Examples
    --------
    >>> power_of_ten(1e-6)
    '10⁻⁶'
    >>> power_of_ten(2.5e-5, 1)
    '2.5 × 10⁻⁵'
    >>> power_of_ten(3e4)
    '3 × 10⁴'
    """
    as_float = float(value)
    if as_float == 0 or as_float != as_float or abs(as_float) == float("inf"):
        raise ValueError(f"value must be finite and non-zero, got {as_float!r}")
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits}")
    mantissa, exponent = f"{as_float:.{digits}e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa} × {power}"


def glue(name: str, value: object, spec: str | None = None) -> str:
    """Glue ``value`` for the prose, formatted with ``spec``, and return the text.

    A thin wrapper around :func:`myst_nb.glue` (imported on first use, so
    ``import klce`` does not need myst-nb) that stores the formatted string
    with ``display=False``. Paste it with ``{glue:text}`name```.

    Parameters
    ----------
    name : str
        The glue key, a Python identifier.
    value : int, float, str or bool
        The value; see :func:`fmt`.
    spec : str, optional
        The format spec, required for floats; see :func:`fmt`.

    Returns
    -------
    str
        The glued text.

    Raises
    ------
    ValueError
        If ``name`` is not an identifier, or as :func:`fmt`.
    """
    if not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    text = fmt(value, spec)
    from myst_nb import glue as myst_glue

    myst_glue(name, text, display=False)
    return text


# --------------------------------------------------------------------------------------------
# Reading times: computed from the notebook, never typed.
# --------------------------------------------------------------------------------------------

#: A careful first read of mathematical prose, in words a minute (a formula or a glued number
#: counts as one word).
WORDS_PER_MINUTE = 100
#: Visible code, read line by line, in lines a minute.
CODE_LINES_PER_MINUTE = 5
#: Minutes to work an exercise, by the difficulty in its title.
EXERCISE_MINUTES = {"easy": 10, "medium": 20, "hard": 40}
#: The most a chapter's core path may take, in minutes (one lecture).
CORE_BUDGET_MINUTES = 60

#: Level-2 sections that are not on the core path: optional depth, then the chapter's end matter.
_OPTIONAL = ("Going further",)
_END_MATTER = ("Exercises", "Summary", "References")
_HIDDEN_TAGS = frozenset({"hide-input", "remove-input", "remove-cell", "hide-cell"})

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?")
_DIRECTIVE_OPTION = re.compile(r"^\s*:[\w-]+:")
_DIFFICULTY = re.compile(r"\{exercise\}[^\n]*\((easy|medium|hard)\)")
_INCLUDE = re.compile(r"\{literalinclude\}\s*(\S+)")


class ReadingTime(NamedTuple):
    """What a chapter asks of a reader, counted from its notebook.

    ``words`` and ``code_lines`` count what the page shows: prose words (each formula, glued
    value and cross-reference one word) and visible code lines (code cells that are not folded
    or removed, code blocks and included listings), without blank lines.
    """

    core_words: int
    core_code_lines: int
    optional_words: int
    optional_code_lines: int
    exercises: dict[str, int]

    @property
    def core_minutes(self) -> float:
        """Minutes for the core path at the stated rates."""
        return _minutes(self.core_words, self.core_code_lines)

    @property
    def optional_minutes(self) -> float:
        """Minutes for the "Going further" sections at the same rates."""
        return _minutes(self.optional_words, self.optional_code_lines)

    @property
    def exercise_minutes(self) -> int:
        """Minutes to work every exercise, from :data:`EXERCISE_MINUTES`."""
        return sum(EXERCISE_MINUTES[level] * n for level, n in self.exercises.items())


def _minutes(words: int, lines: int) -> float:
    return words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE


def _prose_words(text: str) -> int:
    """Words a reader reads in MyST text: a formula, a glued value or a reference is one."""
    text = _MATH.sub(" x ", text)

    def role(match: re.Match[str]) -> str:
        name, body = match.groups()
        if name in ("term", "abbr") or "<" in body:
            return " " + body.split("<")[0] + " "
        return " x "  # a glued value, a numbered reference, a citation

    text = _ROLE.sub(role, text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a Markdown link: its text only
    text = re.sub(r"^\([\w:-]+\)=\s*$", " ", text, flags=re.M)  # a target label
    return len(_WORD.findall(text))


def reading_time(path: str | Path) -> ReadingTime:
    """Count a chapter's core path, its optional sections and its exercises.

    The core path is every cell outside the level-2 sections "Going further ...",
    "Exercises", "Summary" and "References"; the optional part is the "Going further"
    sections. Folded or removed code cells (tags ``hide-input``, ``remove-input``,
    ``hide-cell``, ``remove-cell``) are not read on the page and are not counted.

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter's ``.ipynb`` file.

    Returns
    -------
    ReadingTime
        The counts; its properties give the minutes at :data:`WORDS_PER_MINUTE` and
        :data:`CODE_LINES_PER_MINUTE`.

    Raises
    ------
    ValueError
        If ``path`` is not a notebook file.
    """
    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    counts = {"core": [0, 0], "optional": [0, 0], "end": [0, 0]}
    exercises = {"easy": 0, "medium": 0, "hard": 0}
    part = "core"
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            if not set(cell.get("metadata", {}).get("tags", [])) & _HIDDEN_TAGS:
                counts[part][1] += sum(1 for line in source.splitlines() if line.strip())
            continue
        if cell["cell_type"] != "markdown":
            continue
        for level in _DIFFICULTY.findall(source):
            exercises[level] += 1
        # open fences: [marker, holds code, folded (a dropdown)]
        fences: list[list] = []
        for line in source.splitlines():
            fence = _FENCE.match(line)
            if fence and fences and line.strip() == fences[-1][0]:
                fences.pop()
                continue
            folded = any(f[2] for f in fences)
            if fence and (fence.group(3) or not fences or not fences[-1][1]):
                directive = fence.group(3)
                include = _INCLUDE.search(line) if directive == "literalinclude" else None
                if include and not folded:
                    listing = (path.parent / include.group(1)).read_text(encoding="utf-8")
                    counts[part][1] += sum(1 for li in listing.splitlines() if li.strip())
                is_code = directive in (None, "code", "code-block", "code-cell")
                is_code = is_code and fence.group(1)[0] != ":"
                fences.append([fence.group(1), is_code or bool(include), directive == "dropdown"])
                continue
            if fences and fences[-1][1]:
                if line.strip() and not folded and not _DIRECTIVE_OPTION.match(line):
                    counts[part][1] += 1 if fences[-1][0][0] != ":" else 0
                continue
            if _DIRECTIVE_OPTION.match(line):
                if fences and re.match(r"^\s*:class:.*\bdropdown\b", line):
                    fences[-1][2] = True
                continue
            heading = re.match(r"^##\s+(.*)", line)
            if heading and not fences:
                title = heading.group(1).strip()
                if title.startswith(_OPTIONAL):
                    part = "optional"
                elif title.startswith(_END_MATTER):
                    part = "end"
                else:
                    part = "core"
            counts[part][0] += _prose_words(line)
    return ReadingTime(
        core_words=counts["core"][0],
        core_code_lines=counts["core"][1],
        optional_words=counts["optional"][0],
        optional_code_lines=counts["optional"][1],
        exercises=exercises,
    )


def glue_reading_time(path: str | Path) -> ReadingTime:
    """Glue a chapter's reading times for its overview, under fixed names.

    Glues ``rt_core_min``, ``rt_core_words``, ``rt_core_lines``, ``rt_opt_min``,
    ``rt_words_per_min``, ``rt_lines_per_min``, ``rt_ex_n``, ``rt_ex_easy``,
    ``rt_ex_medium``, ``rt_ex_hard`` and ``rt_ex_min`` (minutes rounded up to whole minutes,
    counts with thousands separators).

    Parameters
    ----------
    path : str or pathlib.Path
        The chapter's ``.ipynb`` file (the notebook that calls this, from its own folder).

    Returns
    -------
    ReadingTime
        The counts behind the glued text.
    """
    times = reading_time(path)
    glue("rt_core_min", math.ceil(times.core_minutes))
    glue("rt_core_words", times.core_words, ",d")
    glue("rt_core_lines", times.core_code_lines, ",d")
    glue("rt_opt_min", math.ceil(times.optional_minutes))
    glue("rt_words_per_min", WORDS_PER_MINUTE)
    glue("rt_lines_per_min", CODE_LINES_PER_MINUTE)
    glue("rt_ex_n", sum(times.exercises.values()))
    for level, count in times.exercises.items():
        glue(f"rt_ex_{level}", count)
    glue("rt_ex_min", times.exercise_minutes)
    return times
