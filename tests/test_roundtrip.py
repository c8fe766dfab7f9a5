"""Every assignment, through real nbgrader: generate, submit, autograde, read the gradebook.

Does the solution score full marks on every autograded test cell? Does the generated student
version score zero on each? Does each recorded common mistake fail its own test, and only it?
New assignments under notebooks/ are picked up automatically.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.nbgrader_run import run_nbgrader
from course.paths import assignments
from tests.conftest import make_course_copy
from tests.mistakes import MISTAKES

pytestmark = pytest.mark.slow


def _solution_cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise AssertionError(f"no cell with grade_id {grade_id!r}")


def _submit(course: Path, student: str, assignment: str, notebooks: dict[str, nbformat.NotebookNode]) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)


def _scores(course: Path, assignment: str, student: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(notebook, grade_id) -> (auto_score, max_score) for every autograded test cell."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        result = {}
        for notebook in gb.find_assignment(assignment).notebooks:
            for cell in notebook.grade_cells:
                if cell.cell_type != "code":
                    continue
                grade = gb.find_grade(cell.name, notebook.name, assignment, student)
                result[(notebook.name, cell.name)] = (grade.auto_score, cell.max_score)
        return result


def _mistake_rounds(assignment: str) -> list[dict[str, tuple[str, str, str | None]]]:
    """Round k applies the k-th recorded mistake of every exercise that has one:
    {solution grade_id: (wrong code, test grade_id that must fail, message fragment or None)}."""
    mistakes = MISTAKES.get(assignment, {})
    rounds = max((len(m) for m in mistakes.values()), default=0)
    return [
        {sid: (m[k][1], m[k][2], m[k][3] if len(m[k]) > 3 else None) for sid, m in mistakes.items() if len(m) > k}
        for k in range(rounds)
    ]


def _test_output(course: Path, student: str, assignment: str, notebook: str, test_id: str) -> str:
    """What the student sees of a test cell in the autograded copy of a submission: what it printed
    and the message it raised. Not the traceback: feedback keeps only an error's last line
    (course/pipeline/redact.py), and the traceback quotes the test's source around the failing line,
    near-miss strings included, so a fragment could match there although another message fired."""
    nb = nbformat.read(course / "autograded" / student / assignment / f"{notebook}.ipynb", as_version=4)
    cell = _solution_cell(nb, test_id)
    parts = []
    for output in cell.get("outputs", []):
        parts += [output.get("text", ""), output.get("evalue", "")]
        parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module", params=assignments())
def graded(request, tmp_path_factory):
    """Autograde the solution, the blank student version and the rounds of common mistakes once."""
    assignment = request.param
    course = make_course_copy(tmp_path_factory.mktemp(assignment), [assignment])
    run_nbgrader(course, "generate_assignment", assignment, "--force")
    source = {
        p.name: nbformat.read(p, as_version=4) for p in sorted((course / "notebooks" / assignment).glob("*.ipynb"))
    }
    release = {
        p.name: nbformat.read(p, as_version=4) for p in sorted((course / "release" / assignment).glob("*.ipynb"))
    }
    _submit(course, "solution", assignment, source)
    _submit(course, "blank", assignment, release)
    expected_failures, messages = {}, {}
    for k, round_ in enumerate(_mistake_rounds(assignment), start=1):
        variant = {name: nbformat.from_dict(nb) for name, nb in source.items()}
        failing = set()
        student = f"mistakes-{k}"
        for solution_id, (wrong_code, test_id, message) in round_.items():
            hosts = [
                name
                for name, nb in variant.items()
                if any(c.metadata.get("nbgrader", {}).get("grade_id") == solution_id for c in nb.cells)
            ]
            assert len(hosts) == 1, f"{solution_id} must be in exactly one notebook of {assignment}"
            _solution_cell(variant[hosts[0]], solution_id).source = wrong_code
            failing.add((hosts[0].removesuffix(".ipynb"), test_id))
            if message:
                messages[(student, hosts[0].removesuffix(".ipynb"), test_id)] = message
        _submit(course, student, assignment, variant)
        expected_failures[student] = failing
    run_nbgrader(course, "autograde", assignment, "--force", timeout=900)
    return course, assignment, expected_failures, messages


def test_assignment_has_autograded_tests(graded):
    course, assignment, *_ = graded
    assert _scores(course, assignment, "solution"), f"{assignment} has no autograded test cells"


def test_solution_scores_full_marks(graded):
    course, assignment, *_ = graded
    lost = {k: v for k, v in _scores(course, assignment, "solution").items() if v[0] != v[1]}
    assert not lost, f"the solution of {assignment} loses points on {lost}"


def test_student_version_scores_zero(graded):
    course, assignment, *_ = graded
    earned = {k: v for k, v in _scores(course, assignment, "blank").items() if v[0] != 0}
    assert not earned, f"the blank student version of {assignment} earns points on {earned}"


def test_each_common_mistake_fails_its_test_only(graded):
    """Does every recorded common mistake score zero on its own test, and cost nothing elsewhere?"""
    course, assignment, expected_failures, _ = graded
    if not expected_failures:
        pytest.skip(f"no common mistakes recorded for {assignment} yet (tests/mistakes.py)")
    for student, failing in expected_failures.items():
        scores = _scores(course, assignment, student)
        not_caught = {k: scores[k] for k in failing if scores[k][0] != 0}
        assert not not_caught, f"{student}: these mistakes were not caught: {not_caught}"
        collateral = {k: v for k, v in scores.items() if k not in failing and v[0] != v[1]}
        assert not collateral, f"{student}: tests without a mistake lost points: {collateral}"


def test_each_common_mistake_gets_its_message(graded):
    """Does the student who makes a recorded mistake see the message written for it? A near miss
    that equals the right answer or another near miss never fires, and this finds it."""
    course, assignment, _, messages = graded
    if not messages:
        pytest.skip(f"no messages recorded with the common mistakes of {assignment} (tests/mistakes.py)")
    missing = {
        key: fragment
        for key, fragment in messages.items()
        if fragment not in _test_output(course, key[0], assignment, key[1], key[2])
    }
    assert not missing, f"{assignment}: these mistakes did not get their message: {missing}"


def test_every_exercise_has_a_recorded_mistake(graded):
    """Is at least one common mistake recorded for each auto-graded answer cell?"""
    course, assignment, *_ = graded
    answer_ids = set()
    for path in (course / "notebooks" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                answer_ids.add(meta["grade_id"])
    missing = answer_ids - set(MISTAKES.get(assignment, {}))
    assert not missing, f"record common mistakes for {sorted(missing)} in tests/mistakes.py"
