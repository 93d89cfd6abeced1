"""Sphinx extension: each ``klce`` function's reference entry links to the sections that call it.

At build start the chapters (``chapters/*.ipynb``) are scanned. A code cell that calls
``klce.<name>(`` (or ``klce.<module>.<name>(``, or a name imported with ``from klce... import``)
counts as a use in the section whose ``(label)=`` target comes last before that cell. When
autodoc renders ``klce.<module>.<name>``, a "Used in" rubric with a ``:ref:`` to each of those
sections is appended to its docstring, the way d2l's reference links its helper functions back
to the text. Nothing is written to the source tree. A reference to a public name,
``klce.kl_divergence``, resolves to the entry of ``klce.information.kl_divergence``.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx

# A target and the heading under it; a heading with math would show raw TeX in a :ref: link, so
# such a section is cited by its chapter's label instead.
LABEL = re.compile(r"^\(([\w-]+)\)=\s*\n#+ (.*)$", re.M)
CALL = re.compile(r"\bklce\.(?:\w+\.)?(\w+)\(")
FROM_IMPORT = re.compile(r"^from klce(?:\.\w+)? import \(?([\w, \n]+)\)?", re.M)


def usage(chapters: Path) -> dict[str, list[str]]:
    """Map each function name to the section labels whose code calls it, in book order."""
    used: dict[str, list[str]] = defaultdict(list)
    for path in sorted(chapters.glob("*.ipynb")):
        label = chapter = None
        imported: set[str] = set()
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for name, title in LABEL.findall(source):
                    chapter = chapter or name
                    label = chapter if "$" in title else name
                continue
            for block in FROM_IMPORT.findall(source):
                imported |= {n.strip() for n in block.replace("\n", ",").split(",") if n.strip()}
            names = set(CALL.findall(source))
            names |= {n for n in imported if re.search(rf"\b{n}\(", source)}
            for name in names:
                if label and label not in used[name]:
                    used[name].append(label)
    return used


def _append_usage(app, what, name, obj, options, lines):
    if what not in {"function", "class"} or not name.startswith("klce."):
        return
    labels = app.env.klce_usage.get(name.rsplit(".", 1)[-1], [])
    if labels:
        lines += ["", ".. rubric:: Used in", "", ", ".join(f":ref:`{lab}`" for lab in labels)]


def _resolve_public_name(app, env, node, contnode):
    """Resolve ``klce.kl_divergence`` to ``klce.information.kl_divergence``, its documented name."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("klce.") or target.count(".") != 1:
        return None
    import klce

    obj = getattr(klce, target.split(".", 1)[1], None)
    if obj is None:
        return None
    full = f"{obj.__module__}.{obj.__name__}"
    py = env.get_domain("py")
    return py.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], full, node, contnode)


def _scan(app: Sphinx) -> None:
    app.env.klce_usage = usage(Path(app.srcdir) / "chapters")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _scan)
    app.connect("autodoc-process-docstring", _append_usage, priority=900)
    app.connect("missing-reference", _resolve_public_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
