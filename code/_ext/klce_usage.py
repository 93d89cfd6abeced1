"""Sphinx extension: each ``klce`` function's reference entry links to the sections that use it.

At build start the chapters (``chapters/*.ipynb``) are scanned. A code cell uses a ``klce``
function if it names it in any way Python resolves to the function: ``klce.f``,
``klce.module.f``, a name imported with ``from klce(.module) import f (as g)``, a module
imported as ``import klce.module as m`` (``m.f``), or an alias assigned earlier in the notebook
(``kl = klce.kl_divergence``, then ``kl(...)``, or the function passed as an argument). Each
use counts for the section whose ``(label)=`` target comes last before the cell. When autodoc
renders ``klce.<module>.<name>``, a "Used in" rubric with a ``:ref:`` to each of those sections
is appended to its docstring, the way d2l's reference links its helper functions back to the
text. Nothing is written to the source tree. A reference to a public name,
``klce.kl_divergence``, resolves to the entry of ``klce.information.kl_divergence``.

sphinx-codeautolink would link the names in code cells to their entries (and can collect
"backreferences"); it is not used because its backreference tables cannot be placed per
function inside autodoc output the way this rubric is, and the chapters' cells are parsed
here with the same Python rules it would apply.
"""

import ast
import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx

# A target and the heading under it; a heading with math would show raw TeX in a :ref: link, so
# such a section is cited by its chapter's label instead.
LABEL = re.compile(r"^\(([\w-]+)\)=\s*\n#+ (.*)$", re.M)
# IPython lines (magics, shell escapes) that are not Python.
IPYTHON_LINE = re.compile(r"^\s*[%!].*$", re.M)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _klce_name(path: str) -> str | None:
    """The klce object a dotted path starts with: ``klce.m.f.x`` -> ``f``, ``klce.f`` -> ``f``."""
    parts = path.split(".")
    if len(parts) > 2 and importlib.util.find_spec(f"klce.{parts[1]}") is not None:
        return parts[2]  # klce.<module>.<name>...
    return parts[1] if len(parts) > 1 else None


class _Uses(ast.NodeVisitor):
    """Collect the klce functions a cell uses; `names` maps local names to klce paths."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # e.g. {"klce": "klce", "kl": "klce.kl_divergence"}, kept per notebook
        self.used: set[str] = set()

    def _resolve(self, node: ast.AST) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head not in self.names:
            return None
        return ".".join(filter(None, [self.names[head], rest]))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "klce" or alias.name.startswith("klce."):
                if alias.asname:
                    self.names[alias.asname] = alias.name
                else:
                    self.names["klce"] = "klce"

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and (node.module == "klce" or node.module.startswith("klce.")):
            for alias in node.names:
                self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                self.used.add(alias.name)  # importing a name by hand is using it here

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        target = self._resolve(node.value)
        if target is not None:  # kl = klce.kl_divergence: an alias from here on
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.names[t.id] = target

    def visit_Attribute(self, node: ast.Attribute) -> None:
        target = self._resolve(node)
        if target is None:
            self.generic_visit(node)
        elif name := _klce_name(target):
            self.used.add(name)

    def visit_Name(self, node: ast.Name) -> None:
        target = self.names.get(node.id)
        if target is not None and (name := _klce_name(target)):
            self.used.add(name)


def usage(chapters: Path) -> dict[str, list[str]]:
    """Map each name used from klce to the section labels whose code uses it, in book order."""
    used: dict[str, list[str]] = defaultdict(list)
    for path in sorted(chapters.glob("*.ipynb")):
        label = chapter = None
        names: dict[str, str] = {}
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for name, title in LABEL.findall(source):
                    chapter = chapter or name
                    label = chapter if "$" in title else name
                continue
            try:
                tree = ast.parse(IPYTHON_LINE.sub("", source))
            except SyntaxError:
                continue
            visitor = _Uses(names)
            visitor.visit(tree)
            for name in sorted(visitor.used):
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
