"""Sphinx extension: with sphinx-exercise's ``hide_solutions``, leave gated solutions out too.

sphinx-exercise 1.2.1 drops a ``{solution}`` block when ``hide_solutions`` is true, but of a gated
solution (``{solution-start}`` ... ``{solution-end}``, the form a solution with code cells takes)
it drops only the start marker: the cells in between would stay, and the HTML writer fails on the
orphan end marker. This removes the whole span. With ``hide_solutions`` false it changes nothing.

Works around executablebooks/sphinx-exercise#89 ("Gated directives crash the build when the start
directive is suppressed", open). Remove this extension (and its line in _config.yml) once a
sphinx-exercise release fixes gated solutions under ``hide_solutions``: `make book-student` and
tests/test_course.py then show whether the student site still builds without it.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node

logger = logging.getLogger(__name__)


class hidden_solution_start(nodes.Element):
    """Where a hidden gated solution begins; removed, with the solution, before writing."""


class HideableSolutionStart(SolutionStartDirective):
    def run(self) -> list[nodes.Node]:
        shown = super().run()  # keeps sphinx-exercise's start/end bookkeeping
        return [hidden_solution_start()] if self.config.hide_solutions else shown


class RemoveHiddenGatedSolutions(SphinxTransform):
    default_priority = 11  # after sphinx-exercise checks (1) and merges (10) gated directives

    def apply(self) -> None:
        for start in list(self.document.findall(hidden_solution_start)):
            parent = start.parent
            first = parent.index(start)
            ends = [i for i, n in enumerate(parent) if isinstance(n, solution_end_node)]
            ends = [i for i in ends if i > first]
            if ends:
                del parent[first : ends[0] + 1]
            else:
                logger.warning("solution-start without solution-end at its level", location=start)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution_start)
    app.add_directive("solution-start", HideableSolutionStart, override=True)
    app.add_transform(RemoveHiddenGatedSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
