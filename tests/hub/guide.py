"""The deployment guides' commands, as tests/test_hub.py runs them.

Every shell block in docs/deploy-tljh.md and docs/deploy-z2jh.md is marked, on the line before it:
    <!-- test: NAME -->          tests/test_hub.py runs exactly this block (named in RUN_BY_THE_HUB_TEST)
    <!-- untested: REASON -->    it cannot run on one machine (Docker, Helm, kubectl, TLJH's own tools)
tests/test_docs.py checks that every block is marked, that the named blocks are the ones the hub
test runs, and that each still has the text the hub test was written for (its digest below): a
changed command fails there until someone has checked that the hub test still checks what it does,
and updated the digest. The grading Job (deploy/z2jh/grading-job.yaml) is held to the same rule.

How a block runs: "root" blocks (set-up) run with bash as root, with the guide's TLJH folders
replaced by the test's (tests/hub/site.py) and the guide's two values, REPOSITORY and INSTRUCTOR,
set to the test's; "instructor" blocks are typed, line by line, into a terminal of the instructor's
own server, unchanged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from course.paths import course_root

GUIDES = ("docs/deploy-tljh.md", "docs/deploy-z2jh.md")
SHELLS = {"bash", "sh", "shell", "console"}
GRADING_JOB = "deploy/z2jh/grading-job.yaml"

# name -> (who runs it, the digest of the text it was written for)
RUN_BY_THE_HUB_TEST = {
    "tljh-setup": ("root", ""),
    "tljh-release": ("instructor", ""),
    "tljh-data": ("instructor", ""),
    "tljh-collect-grade": ("instructor", ""),
    "tljh-feedback": ("instructor", ""),
    "tljh-backup": ("instructor", ""),
    "z2jh-enrol": ("instructor", ""),
    "z2jh-release": ("instructor", ""),
    "z2jh-collect": ("instructor", ""),
    "z2jh-feedback": ("instructor", ""),
    "z2jh-grading-job": ("root", ""),
}

# blocks another test runs (it needs a PostgreSQL server, not a hub)
RUN_ELSEWHERE = {"z2jh-backup": "tests/test_gradebook_backup.py"}

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

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:12]

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


def block(name: str) -> Block:
    """The guide's block named `name` (exactly one)."""
    found = [b for b in shell_blocks() if b.mark == "test" and b.label == name]
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
    env: dict[str, str]
    secret_env: list[str]
    digest: str


def grading_job() -> JobCommand:
    spec = yaml.safe_load((course_root() / GRADING_JOB).read_text())
    container = spec["spec"]["template"]["spec"]["containers"][0]
    argv = [*container.get("command", []), *container.get("args", [])]
    env = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    secret = [e["name"] for e in container.get("env", []) if "valueFrom" in e]
    text = repr((argv, container["workingDir"], sorted(env.items()), secret))
    return JobCommand(argv, container["workingDir"], env, secret, hashlib.sha256(text.encode()).hexdigest()[:12])


def current_digests() -> dict[str, str]:
    """name -> digest of what the guides (and the Job) say now."""
    digests = {b.label: b.digest for b in shell_blocks() if b.mark == "test"}
    digests["z2jh-grading-job"] = grading_job().digest
    return digests


def substitute(text: str, paths: dict[str, str]) -> str:
    for guide_path, here in paths.items():
        text = text.replace(guide_path, here)
    return text


def commands_for(name: str, paths: dict[str, str] | None = None) -> list[str]:
    """The commands of block `name`, with the guide's folders replaced by `paths` (root blocks)."""
    return [substitute(c, paths or {}) for c in block(name).commands()]


def _self_check() -> None:  # pragma: no cover - a maintainer's helper: python -m tests.hub.guide
    for name, digest in current_digests().items():
        print(f"{name:22} {digest}  (recorded: {RUN_BY_THE_HUB_TEST.get(name, ('', 'not run'))[1]})")


if __name__ == "__main__":
    _self_check()
    print(Path(__file__))
