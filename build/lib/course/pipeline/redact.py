"""Feedback preprocessor: error tracebacks of test cells shrink to their last line.

IPython tracebacks quote the lines around the failing one, which for a test cell can be the
hidden tests themselves. Students keep the message (our tests' messages are written to teach
without giving answers away); the code around it stays with the instructor.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class RedactTestTracebacks(Preprocessor):
    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
