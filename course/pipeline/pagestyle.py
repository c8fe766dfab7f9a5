"""Readable tables in the formgrader's pages and in feedback: an nbconvert preprocessor.

The rubric under each written question is a markdown table. nbgrader renders the formgrader's
pages and the feedback with nbconvert's `classic` template and Bootstrap 3, whose table cells have
no padding, so a rubric reads as one run of words. This preprocessor adds a small style sheet to
every markdown cell that holds a table, as a `<style>` element after the table: nbconvert passes it
through (the classic templates do not sanitise), so the page is styled whichever template renders
it, and whichever other preprocessor rewrites the page's head.

Why not the page head (`resources["inlining"]["css"]`, which both nbgrader templates write out):
HTMLExporter registers nbconvert's CSSHTMLHeaderPreprocessor after the configured ones, and it
replaces that list, so for the formgrader CSS put there is lost (checked in
tests/test_report_and_similarity.py).

Configured in nbgrader_config.py: `c.GenerateFeedback.preprocessors` (feedback) and
`c.HTMLExporter.preprocessors` (the formgrader builds its exporter from that file).
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

TABLE_CSS = (
    ".rendered_html table, .text_cell_render table { border-collapse: collapse; margin: 0.6em 0; }\n"
    ".rendered_html th, .rendered_html td, .text_cell_render th, .text_cell_render td "
    "{ padding: 0.35em 0.75em; border: 1px solid #c8c8c8; vertical-align: top; text-align: left; }\n"
    ".rendered_html th, .text_cell_render th { background: #f3f3f3; }"
)
STYLE = f'<style type="text/css">\n{TABLE_CSS}\n</style>'
MARKDOWN_TABLE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M)  # a table's header separator line


class TableStyle(Preprocessor):
    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and MARKDOWN_TABLE.search(cell.source) and STYLE not in cell.source:
            cell.source = cell.source.rstrip() + "\n\n" + STYLE + "\n"
        return cell, resources
