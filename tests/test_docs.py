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


def test_the_grading_pod_spec_in_the_z2jh_guide_parses_and_asks_for_full_isolation():
    """The guide's Job and NetworkPolicy load as YAML and say what full isolation needs: root with
    SYS_ADMIN only, the gradebook URL from a Secret (never a file), no service-account token."""
    guide = (ROOT / "docs" / "deploy-z2jh.md").read_text()
    block = guide.split("### A grading pod", 1)[1].split("```yaml\n", 1)[1].split("\n```", 1)[0]
    job, policy = list(yaml.safe_load_all(block))
    assert (job["kind"], policy["kind"]) == ("Job", "NetworkPolicy")
    pod = job["spec"]["template"]["spec"]
    (grader,) = pod["containers"]
    assert grader["securityContext"]["capabilities"] == {"add": ["SYS_ADMIN"]}
    assert pod["automountServiceAccountToken"] is False and pod["enableServiceLinks"] is False
    url = next(e for e in grader["env"] if e["name"] == "COURSE_GRADEBOOK_URL")
    assert url["valueFrom"]["secretKeyRef"] == {"name": "gradebook", "key": "url"}
    assert "exec course grade" in grader["command"][-1]
