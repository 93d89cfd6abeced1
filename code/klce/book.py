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

import numbers

__all__ = ["fmt", "glue"]


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
