"""Does `course workspace` (run by `make lab`) build student versions without ever losing work,
quickly when there is nothing to do, and does the learner's lab leave out the instructor's tools?"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from course import workspace as ws
from course.cli import main
from course.paths import assignments, course_root
from course.widgets.keys import KEY_FILE, key_matches


@pytest.mark.slow
def test_builds_student_versions_and_keeps_existing_work(tmp_path, capsys):
    workspace = tmp_path / "workspace"
    assert main(["workspace", "--dest", str(workspace)]) == 0
    info = ws.kernel_language_info()
    assert info["name"] == "python" and info["version"] == ".".join(map(str, sys.version_info[:3]))
    for assignment in assignments():
        notebooks = list((workspace / assignment).glob("*.ipynb"))
        assert notebooks, f"no student notebook for {assignment}"
        for path in notebooks:
            text = path.read_text()
            assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
            assert "raise NotImplementedError()" in text
            # what JupyterLab writes on connecting a kernel is there already: not "modified" on open
            assert nbformat.read(path, as_version=4).metadata["language_info"] == info
    assert (workspace / "course-docs" / "data-README.md").read_text() == (course_root() / "data/README.md").read_text()
    assert (workspace / "course-docs" / "student-guide.md").is_file()
    keys = json.loads((workspace / "00-orientation" / KEY_FILE).read_text())
    source = (course_root() / "notebooks" / "00-orientation" / "00-orientation.ipynb").read_text()
    for name, key in keys.items():  # each key matches the answer in the course's solution cell
        answer = re.search(rf'\b{name} = \\"([^\\]+)\\"', source).group(1)
        assert key_matches(key, name, "choice", answer)
        assert f'"{answer}"' not in (workspace / "00-orientation" / KEY_FILE).read_text()

    mine = next((workspace / assignments()[0]).glob("*.ipynb"))
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("my own notes"))
    nbformat.write(nb, mine)
    capsys.readouterr()
    assert main(["workspace", "--dest", str(workspace)]) == 0
    assert "my own notes" in mine.read_text()
    assert "your work is never overwritten" in capsys.readouterr().out
    assert json.loads((workspace / "00-orientation" / KEY_FILE).read_text()) == keys, "unchanged answers, same keys"


def _fake_workspace(workspace: Path) -> None:
    """Every file a release would bring, as if copied earlier (content does not matter here)."""
    for assignment in assignments():
        for relative in ws.released_files(assignment, course_root()):
            target = workspace / assignment / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("{}")


def test_an_unchanged_workspace_runs_no_nbgrader(tmp_path, monkeypatch):
    """`make lab` on an existing workspace: nothing to copy, so nbgrader (seconds per module) never runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("nbgrader ran although every file was in the workspace")

    monkeypatch.setattr(ws, "generate_student_version", refuse)
    workspace = tmp_path / "workspace"
    _fake_workspace(workspace)
    report = ws.build_workspace(workspace)
    assert report.generated == [] and report.copied == []
    assert len(report.kept) == sum(len(ws.released_files(a, course_root())) for a in assignments())
    assert (workspace / "course-docs" / "data-README.md").is_file()
    assert (workspace / "00-orientation" / KEY_FILE).is_file()


def test_a_missing_module_is_the_only_one_built(tmp_path, monkeypatch):
    built = []

    def fake_release(assignment, root=None):
        built.append(assignment)
        release = tmp_path / "release" / assignment
        source = course_root() / "notebooks" / assignment
        shutil.copytree(source, release, dirs_exist_ok=True)
        return release

    monkeypatch.setattr(ws, "generate_student_version", fake_release)
    monkeypatch.setattr(ws, "kernel_language_info", lambda: {"name": "python", "version": "test"})
    workspace = tmp_path / "workspace"
    _fake_workspace(workspace)
    missing = assignments()[3]
    shutil.rmtree(workspace / missing)
    report = ws.build_workspace(workspace)
    assert built == [missing] and report.copied
    copied = next(p for p in report.copied if p.suffix == ".ipynb")
    assert nbformat.read(copied, as_version=4).metadata["language_info"] == {"name": "python", "version": "test"}


def test_course_pages_are_refreshed_but_work_is_not(tmp_path, monkeypatch):
    monkeypatch.setattr(ws, "generate_student_version", lambda *a, **k: pytest.fail("nbgrader ran"))
    workspace = tmp_path / "workspace"
    _fake_workspace(workspace)
    page = workspace / "course-docs" / "data-README.md"
    page.parent.mkdir(parents=True)
    page.write_text("an old copy")
    notebook = next((workspace / assignments()[0]).glob("*.ipynb"))
    notebook.write_text('{"mine": true}')
    ws.build_workspace(workspace)
    assert page.read_text() == (course_root() / "data/README.md").read_text()
    assert notebook.read_text() == '{"mine": true}'
    guide = (workspace / "course-docs" / "student-guide.md").read_text()
    assert "](data-README.md)" in guide and "](../data/README.md)" not in guide, "links lead to the copies"


def test_the_learners_lab_configuration_names_real_plugins():
    """The plugin ids and server extensions course/lab/ turns off exist in what is installed, so a
    rename upstream cannot silently bring the instructor's tools back."""
    config = ws.LAB_CONFIG
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    nbgrader_static = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader/static"
    bundle = "".join(p.read_text(errors="ignore") for p in nbgrader_static.glob("*.js"))
    lab_core = "".join(
        p.read_text(errors="ignore") for p in (Path(sys.prefix) / "share/jupyter/lab/static").glob("jlab_core.*.js")
    )
    for plugin, off in disabled.items():
        assert off is True
        assert f'"{plugin}"' in bundle or plugin.split("/", 1)[1] in lab_core, plugin
    assert "@jupyter/nbgrader:validate-assignment" not in disabled, "Validate is the student's button"
    server = json.loads((config / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    import importlib.util

    nbgrader = Path(importlib.util.find_spec("nbgrader").origin).parent  # located, not imported (seconds)
    for module, enabled in server.items():
        relative = Path(*module.split(".")[1:])
        assert enabled is False, module
        assert (nbgrader / relative).is_dir() or (nbgrader / relative).with_suffix(".py").is_file(), module
    overrides = json.loads((config / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert "JUPYTER_CONFIG_PATH='$(LAB_CONFIG)'" in (course_root() / "Makefile").read_text()
