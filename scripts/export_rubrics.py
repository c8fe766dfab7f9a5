"""Write docs/rubrics.md from the rubric cells of the source notebooks.

The rubric for each written answer lives in the notebook, right under the question (students
see what is expected; graders grade against the same text). This script collects them into one
document for graders and for the instructor guide; tests/test_docs.py fails when it is stale.
Run: python scripts/export_rubrics.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.paths import assignments  # noqa: E402

HEADER = """# Rubrics for the written answers

Generated from the notebooks by `python scripts/export_rubrics.py`; edit the notebooks, not this file.
Each written answer is a manually graded nbgrader cell; its rubric sits right under the question in
the notebook, so students see the same criteria their graders use. Model answers are in the
instructor (source) notebooks under `notebooks/`, inside the solution region, and never reach the
student version.
"""


def render() -> str:
    parts = [HEADER]
    for assignment in assignments():
        for path in sorted((ROOT / "notebooks" / assignment).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
            for grade_id, cell in ids.items():
                if not grade_id or not grade_id.endswith("-rubric"):
                    continue
                question = ids[grade_id.replace("-rubric", "-text")].source.splitlines()
                title = next(line for line in question if line.startswith("## ")).removeprefix("## ")
                answer = ids[grade_id.replace("-rubric", "-answer")]
                parts.append(
                    f"\n## {assignment}: {title}\n\nGrade cell `{answer.metadata['nbgrader']['grade_id']}` "
                    f"in `{path.relative_to(ROOT)}`, {answer.metadata['nbgrader']['points']} points.\n\n"
                    + cell.source.split("\n", 1)[1].strip()
                    + "\n"
                )
    return "".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "rubrics.md").write_text(render(), encoding="utf-8")
