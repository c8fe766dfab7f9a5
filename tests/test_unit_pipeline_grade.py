"""course.pipeline.grade, the parts before the workers: which submissions to grade, and the
instructor's templates. The batch itself (zygote, pool, progress) is covered by the slow tests
(tests/test_grading_pipeline.py, tests/test_adversarial.py)."""

from __future__ import annotations

import nbformat
import pytest

from course.errors import UsageError
from course.pipeline.grade import find_submissions, load_templates
from tests.unit_fixtures import make_course, template_cells


def submit(root, student: str, assignment: str = "a1"):
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True)
    (folder / "nb.ipynb").write_text("{}")
    return folder


def test_every_students_folder_of_the_assignment_is_found(tmp_path):
    for student in ("1002", "1001", "jane.doe@uni.edu"):
        submit(tmp_path, student)
    submit(tmp_path, "1003", assignment="a2")
    found, skipped = find_submissions(tmp_path, "a1")
    assert found == [(s, tmp_path / "submitted" / s / "a1") for s in ("1001", "1002", "jane.doe@uni.edu")]
    assert skipped == []


def test_without_submissions_nothing_is_found(tmp_path):
    assert find_submissions(tmp_path, "a1") == ([], [])


def test_unusable_ids_are_skipped_with_the_reason(tmp_path):
    submit(tmp_path, "1001")
    submit(tmp_path, ".hidden")
    submit(tmp_path, "jane doe")
    found, skipped = find_submissions(tmp_path, "a1")
    assert [s for s, _ in found] == ["1001"]
    assert skipped == ["'.hidden': not a usable student id or folder", "'jane doe': not a usable student id or folder"]


def test_a_symlinked_assignment_folder_is_skipped(tmp_path):
    elsewhere = tmp_path / "instructor" / "a1"
    elsewhere.mkdir(parents=True)
    (tmp_path / "submitted" / "1001").mkdir(parents=True)
    (tmp_path / "submitted" / "1001" / "a1").symlink_to(elsewhere)
    submit(tmp_path, "1002")
    found, skipped = find_submissions(tmp_path, "a1")
    assert [s for s, _ in found] == ["1002"]
    assert skipped == ["'1001': not a usable student id or folder"]


def test_only_the_students_asked_for(tmp_path):
    for student in ("1001", "1002", "1003"):
        submit(tmp_path, student)
    submit(tmp_path, ".hidden")
    found, skipped = find_submissions(tmp_path, "a1", students=["1003", "1001", "9999"])
    assert [s for s, _ in found] == ["1001", "1003"]
    assert skipped == []  # students not asked for are not reported


def test_templates_are_the_source_notebooks_as_cells(tmp_path):
    cells = template_cells()
    root = make_course(tmp_path, {"a1": {"b.ipynb": cells, "a.ipynb": cells[:2]}, "a2": {"c.ipynb": cells}})
    templates = load_templates(root, "a1")
    assert list(templates) == ["a.ipynb", "b.ipynb"]
    assert [c["source"] for c in templates["b.ipynb"]] == [c.source for c in cells]
    assert nbformat.from_dict(templates["a.ipynb"][1]).metadata.nbgrader.grade_id == "setup"


def test_an_assignment_without_notebooks_is_a_usage_error(tmp_path):
    root = make_course(tmp_path, {"a1": {"nb.ipynb": template_cells()}})
    (root / "notebooks" / "empty").mkdir()
    for assignment in ("empty", "a9"):
        with pytest.raises(UsageError, match=f"no source notebooks for '{assignment}'"):
            load_templates(root, assignment)


def test_a_symlinked_student_folder_is_skipped(tmp_path):
    """submitted/<student> itself a link (to another student's work, or the instructor's) is
    skipped like a linked assignment folder: the glob follows links, so it must be checked too."""
    elsewhere = tmp_path / "instructor"
    (elsewhere / "a1").mkdir(parents=True)
    (elsewhere / "a1" / "nb.ipynb").write_text("the solutions")
    (tmp_path / "submitted").mkdir()
    (tmp_path / "submitted" / "1001").symlink_to(elsewhere)
    submit(tmp_path, "1002")
    found, skipped = find_submissions(tmp_path, "a1")
    assert [s for s, _ in found] == ["1002"]
    assert skipped == ["'1001': not a usable student id or folder"]
