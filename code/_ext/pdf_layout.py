"""Sphinx extension: two fixes for the PDF (LaTeX builder only; the website is untouched).

- **Folded code is left out.** On the website a cell tagged ``hide-input`` shows its figure and
  folds the drawing code behind a button. Paper has no button, so the PDF leaves that code out,
  as it leaves out removed cells; the figure stays. myst-nb marks such a cell's container with
  ``hide_mode`` ``"input"`` (or ``"input+output"``, ``"all"``), its first child being the source.
- **Proofs without an empty title bar.** sphinx-proof writes ``{prf:proof}`` as an untitled
  admonition, which the LaTeX writer draws as a box with an empty title bar. The PDF sets a proof
  as plain text instead, as printed books do; its first word is already "Proof.".
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class FoldedCodeLeftOut(SphinxPostTransform):
    default_priority = 199
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.container)):
            if node.get("nb_element") != "cell_code" or not node.children:
                continue
            if node.get("hide_mode") in {"input", "input+output", "all"}:
                source = node.children[0]
                if source.get("nb_element") == "cell_code_source":
                    node.remove(source)


class PlainProofs(SphinxPostTransform):
    default_priority = 199
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.admonition)):
            classes = node.get("classes", [])
            untitled = not any(isinstance(child, nodes.title) for child in node.children)
            if "proof" in classes and untitled:
                node.replace_self(nodes.container("", *node.children, classes=classes))


def setup(app: Sphinx) -> dict:
    app.add_post_transform(FoldedCodeLeftOut)
    app.add_post_transform(PlainProofs)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
