"""The deployment guides' commands, as the tests run them: read from the guides themselves.

Every shell block in docs/deploy-tljh.md and docs/deploy-z2jh.md is marked, on the line before it:
    <!-- test: NAME -->          a test runs exactly this block's commands, read from the guide
                                 (RUN_BY_THE_HUB_TEST: tests/test_hub.py; RUN_ELSEWHERE: the test named)
    <!-- untested: REASON -->    it cannot run on one machine (Docker, Helm, kubectl, TLJH's own tools)
tests/test_docs.py fails when a block is unmarked, when a block is marked for a test that does not
list it, or when a test lists a block the guides no longer have; tests/test_hub.py ends by checking
that it ran every block it lists. So the commands in the guides are the commands the tests run:
edit a guide and the tests run the edited commands. The grading Job's command
(deploy/z2jh/grading-job.yaml) is read from the file, too.

How a block runs: "root" blocks (set-up) run with bash as root, with the guide's TLJH folders
replaced by the test's (tests/hub/site.py) and the guide's two values, REPOSITORY and INSTRUCTOR,
set to the test's; "instructor" blocks are typed, line by line, into a terminal of the instructor's
own server, unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from course.paths import course_root

GUIDES = ("docs/deploy-tljh.md", "docs/deploy-z2jh.md")
SHELLS = {"bash", "sh", "shell", "console"}
GRADING_JOB = "deploy/z2jh/grading-job.yaml"

# name -> who runs it: "root" (set-up, as root, TLJH's folders replaced by the test's) or "instructor"
# (typed, unchanged, into a terminal of the instructor's own server)
RUN_BY_THE_HUB_TEST = {
    "tljh-setup": "root",
    "tljh-release": "instructor",
    "tljh-data": "instructor",
    "tljh-collect-grade": "instructor",
    "tljh-feedback": "instructor",
    "tljh-backup": "instructor",
    "z2jh-enrol": "instructor",
    "z2jh-release": "instructor",
    "z2jh-collect": "instructor",
    "z2jh-feedback": "instructor",
}

# blocks another test runs (they need a PostgreSQL server, not a hub)
RUN_ELSEWHERE = {
    "z2jh-gradebook-config": "tests/test_gradebook_backup.py",
    "z2jh-backup": "tests/test_gradebook_backup.py",
    "z2jh-restore": "tests/test_gradebook_backup.py",
}

_FENCE = re.compile(r"^```([A-Za-z]*)[^\n]*\n(.*?)^```", re.S | re.M)
_MARK = re.compile(r"<!--\s*(test|untested):\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    language: str
    text: str
    mark: str  # "test", "untested" or "" (unmarked)
    label: str  # the block's name (test) or the reason (untested)

    def commands(self) -> list[str]:
        """The block's commands: continued lines joined, blank and comment-only lines left out."""
        commands, pending = [], ""
        for line in self.text.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1].rstrip() + " "
                continue
            commands.append((pending + line.strip()) if pending else line.rstrip())
            pending = ""
        return commands


def blocks(doc: str) -> list[Block]:
    """Every fenced block of a guide, with the mark on the line before it."""
    text = (course_root() / doc).read_text()
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = _MARK.search(before)
        found.append(
            Block(
                doc=doc,
                line=text[: match.start()].count("\n") + 1,
                language=match.group(1).lower(),
                text=match.group(2),
                mark=mark.group(1) if mark else "",
                label=mark.group(2) if mark else "",
            )
        )
    return found


def shell_blocks() -> list[Block]:
    return [b for doc in GUIDES for b in blocks(doc) if b.language in SHELLS]


def marked_blocks() -> list[Block]:
    """Every block of the guides marked for a test (shell, and the Python settings block)."""
    return [b for doc in GUIDES for b in blocks(doc) if b.mark == "test"]


def block(name: str) -> Block:
    """The guide's block named `name` (exactly one)."""
    found = [b for b in marked_blocks() if b.label == name]
    if len(found) != 1:
        raise LookupError(f"the guides have {len(found)} blocks marked <!-- test: {name} -->")
    return found[0]


def csv_header(doc: str) -> str:
    """The first line of the guide's first csv block (the file format it asks for)."""
    return next(b for b in blocks(doc) if b.language == "csv").text.splitlines()[0]


@dataclass(frozen=True)
class JobCommand:
    """What the grading Job's container runs, as the test runs it: command, folder, environment."""

    argv: list[str]
    working_dir: str
    env: dict[str, str]  # the plain values
    secret_env: list[str]  # the names that come from a Secret
    security: dict  # the container's securityContext


def grading_job(module: str) -> JobCommand:
    """The Job as the guide applies it: MODULE-TO-GRADE replaced by the module (its `sed`)."""
    text = (course_root() / GRADING_JOB).read_text().replace("MODULE-TO-GRADE", module)
    job = next(d for d in yaml.safe_load_all(text) if d["kind"] == "Job")
    container = job["spec"]["template"]["spec"]["containers"][0]
    argv = [*container.get("command", []), *container.get("args", [])]
    env = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    secret = [e["name"] for e in container.get("env", []) if "valueFrom" in e]
    return JobCommand(argv, container["workingDir"], env, secret, container.get("securityContext", {}))


def substitute(text: str, paths: dict[str, str]) -> str:
    for guide_path, here in paths.items():
        text = text.replace(guide_path, here)
    return text


def commands_for(name: str, paths: dict[str, str] | None = None) -> list[str]:
    """The commands of block `name`, with the guide's folders replaced by `paths` (root blocks)."""
    return [substitute(c, paths or {}) for c in block(name).commands()]
