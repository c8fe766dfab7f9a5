"""Do the guides match the course, and do the deployment files load?"""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from course.paths import assignments, course_root

ROOT = course_root()
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "data" / "README.md"]


def test_syllabus_matches_the_notebooks():
    """Every module is in the syllabus with the time and points its notebook gives."""
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    for assignment in assignments():
        nb = nbformat.read(next((ROOT / "notebooks" / assignment).glob("*.ipynb")), as_version=4)
        minutes = re.search(r"About (\d+) minutes", nb.cells[0].source).group(1)
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        auto = sum(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "code")
        written = sum(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "markdown")
        row = re.search(rf"\| `{assignment}` \|[^|]*\| (\d+) min \| (\d+) \| (\d+) \|", guide)
        assert row, f"{assignment} is missing from the syllabus"
        assert row.groups() == (minutes, str(auto), str(written)), f"{assignment}: syllabus {row.groups()} vs notebook"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc):
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", doc.read_text()):
        assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_tljh_config_loads_and_points_at_the_exchange():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "deploy" / "tljh")).load_config()
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.CourseDirectory.course_id == "summits-and-warheads"
    subprocess.run(["bash", "-n", str(ROOT / "deploy" / "tljh" / "setup.sh")], check=True)


def test_z2jh_files_parse():
    compile((ROOT / "deploy" / "z2jh" / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec")
    for name in ("config.yaml", "ngshare-values.yaml"):
        assert isinstance(yaml.safe_load((ROOT / "deploy" / "z2jh" / name).read_text()), dict)
    z2jh = yaml.safe_load((ROOT / "deploy" / "z2jh" / "config.yaml").read_text())
    ngshare = yaml.safe_load((ROOT / "deploy" / "z2jh" / "ngshare-values.yaml").read_text())
    token = ngshare["ngshare"]["hub_api_token"]
    assert token in z2jh["hub"]["extraConfig"]["ngshare.py"], "the hub and ngshare must share one token"


def test_every_course_command_in_the_guides_exists():
    """Commands shown in code (blocks or inline) name real `course` verbs."""
    from course.cli import build_parser

    verbs = set(build_parser()._subparsers._group_actions[0].choices)
    for doc in DOCS:
        text = doc.read_text()
        code = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text))
        used = set(re.findall(r"(?:^|[\s/])course ([a-z][a-z-]*)", code, re.M))
        assert used <= verbs, f"{doc.name} shows `course {sorted(used - verbs)}`, which does not exist"


# --- the deployment guides and files (tests/test_hub.py runs them on a real hub) ----------------------------------


def test_every_shell_block_of_the_deployment_guides_is_run_by_a_test_or_says_why_not():
    """A command in a deployment guide is either run by a test, exactly as written (tests/hub/guide.py
    reads it from the guide), or marked `<!-- untested: REASON -->`: Docker, Helm, kubectl, TLJH's
    own tools. Every block a test lists is in a guide, once, and every marked block is listed."""
    from tests.hub import guide

    unmarked = [f"{b.doc}:{b.line}" for b in guide.shell_blocks() if not b.mark or not b.label]
    assert not unmarked, f"shell blocks that neither a test runs nor say why: {unmarked}"
    marked = [b.label for b in guide.marked_blocks()]
    assert len(marked) == len(set(marked)), f"two blocks share a name: {marked}"
    listed = set(guide.RUN_BY_THE_HUB_TEST) | set(guide.RUN_ELSEWHERE)
    assert set(marked) == listed, (
        f"marked but run by no test: {set(marked) - listed}; run but gone: {listed - set(marked)}"
    )
    assert not set(guide.RUN_BY_THE_HUB_TEST) & set(guide.RUN_ELSEWHERE)
    for test in set(guide.RUN_ELSEWHERE.values()):
        assert (ROOT / test).is_file(), test
    for block in guide.marked_blocks():
        assert block.commands(), f"{block.doc}:{block.line} {block.label} has no command"


def test_the_guides_name_the_modules_they_release():
    from tests.hub import guide

    for name in ("tljh-release", "z2jh-release"):
        module = guide.block(name).commands()[0].split()[2]
        assert module in assignments(), f"{name} releases {module}, which is not a module"


def test_grading_job_has_what_full_isolation_needs_and_no_secret_in_a_file():
    from tests.hub import guide

    text = (ROOT / guide.GRADING_JOB).read_text()
    job = guide.grading_job("01-reading-the-argument")
    assert job.security.get("runAsUser") == 0 and "SYS_ADMIN" in job.security.get("capabilities", {}).get("add", [])
    assert job.security.get("appArmorProfile", {}).get("type") == "Unconfined"
    assert "course grade 01-reading-the-argument" in " ".join(job.argv)
    assert job.env["COURSE_ROOT"] == job.working_dir
    assert job.secret_env == ["PGPASSWORD"] and "PGPASSWORD" not in job.env
    for word in ("CAP_SYS_ADMIN", "cgroup v2", "Secret"):
        assert word in text, f"grading-job.yaml no longer explains {word}"
    documents = list(yaml.safe_load_all(text.replace("MODULE-TO-GRADE", "m")))
    pod = next(d for d in documents if d["kind"] == "Job")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False and pod["restartPolicy"] == "Never"
    assert {d["kind"] for d in documents} == {"Job", "NetworkPolicy"}
    # the guide applies this file with the placeholder the file uses
    z2jh = (ROOT / "docs" / "deploy-z2jh.md").read_text()
    assert 'sed "s/MODULE-TO-GRADE/' in z2jh and "deploy/z2jh/grading-job.yaml" in z2jh


def _z2jh_hook():
    """Run config.yaml's hub.extraConfig for the course, as JupyterHub would; return its hook."""
    from traitlets.config import Config

    c = Config()
    code = yaml.safe_load((ROOT / "deploy" / "z2jh" / "config.yaml").read_text())["hub"]["extraConfig"]
    exec(code["summits-and-warheads.py"], {"c": c})
    return c.KubeSpawner.pre_spawn_hook


class _Spawner:
    def __init__(self, name: str):
        self.user = type("User", (), {"name": name})()
        self.environment = {"KEEP": "1"}


def test_z2jh_hook_gives_instructors_their_tools_course_and_gradebook_and_students_nothing():
    hook = _z2jh_hook()
    instructor, student = _Spawner("instructor"), _Spawner("ada-lovelace")
    hook(instructor)
    hook(student)
    assert student.environment == {"KEEP": "1"}
    env = instructor.environment
    assert env["KEEP"] == "1" and env["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/instructor"
    assert env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "gradebook-db"
    from tests.hub import guide

    job = guide.grading_job("m")
    assert env["COURSE_ROOT"] == job.working_dir  # the Job grades the course the instructor works in
    assert {k: env[k] for k in ("PGHOST", "PGUSER", "PGDATABASE")} == {
        k: job.env[k] for k in ("PGHOST", "PGUSER", "PGDATABASE")
    }
    dockerfile = (ROOT / "deploy" / "z2jh" / "Dockerfile").read_text()
    assert f"--instructor-config {env['JUPYTER_CONFIG_PATH']}" in dockerfile
    assert f"--course-root {env['COURSE_ROOT']}" in dockerfile
    ngshare = yaml.safe_load((ROOT / "deploy" / "z2jh" / "ngshare-values.yaml").read_text())
    assert "instructor" in ngshare["ngshare"]["admins"], "the instructor must be an ngshare admin to create the course"


def test_z2jh_image_leaves_solutions_out_and_installs_what_the_hub_test_uses():
    dockerfile = (ROOT / "deploy" / "z2jh" / "Dockerfile").read_text()
    copied = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY")]
    assert not any("notebooks" in p or p == "." for paths in copied for p in paths), copied
    for name in re.findall(r"deploy/requirements/[\w.-]+", dockerfile):
        assert (ROOT / name).is_file(), name
    assert "--no-deps -r deploy/requirements/user-nodeps.txt" in dockerfile


def test_configure_jupyter_locks_the_tools_for_students_and_gives_them_back_to_the_instructor(tmp_path):
    import json

    script = ROOT / "deploy" / "configure_jupyter.py"
    env, instructor = tmp_path / "env", tmp_path / "instructor"
    args = ["--env", env, "--instructor-config", instructor, "--course-root", "/srv/course"]
    for _ in range(2):  # it can be run again
        subprocess.run(["python3", script, *map(str, args)], check=True, capture_output=True)
    students = json.loads((env / "etc/jupyter/labconfig/page_config.json").read_text())
    tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"}
    assert tools <= {k for k, v in students["disabledExtensions"].items() if v}
    assert tools <= {k for k, v in students["lockedExtensions"].items() if v}
    server = json.loads((env / "etc/jupyter/jupyter_server_config.d/summits-and-warheads.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    theirs = json.loads((instructor / "labconfig/page_config.json").read_text())
    assert not any(theirs["disabledExtensions"][t] or theirs["lockedExtensions"][t] for t in tools)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(instructor)).load_config()
    assert config.CourseDirectory.root == "/srv/course"


def test_tljh_hub_config_has_the_lines_setup_sh_fills_in():
    setup = (ROOT / "deploy" / "tljh" / "setup.sh").read_text()
    hub_config = (ROOT / "deploy" / "tljh" / "jupyterhub_config.d" / "summits-and-warheads.py").read_text()
    for name in re.findall(r"s\|\^(\w+) = \.\*\|", setup):
        assert re.search(rf"^{name} = ", hub_config, re.M), f"setup.sh fills in {name}, which the hub config lacks"
    assert len(re.findall(r"s\|\^(\w+) = \.\*\|", setup)) == 3
