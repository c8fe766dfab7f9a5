"""A whole module's term on a real JupyterHub, in headless Chromium, through both exchanges.

One hub session (JupyterHub from PyPI, configurable-http-proxy from npm, ngshare as a hub service,
all on loopback) serves three real Unix accounts logging in with their passwords: an instructor
and two students. The set-up is the TLJH guide's own commands (docs/deploy-tljh.md, run as root by
tests/hub/guide.py); then two terms, one per exchange:
- TestFolderExchange: The Littlest JupyterHub's shared folder, module 00, the TLJH guide's commands
  typed into the instructor's terminal (grading as root through sudo);
- TestNgshareExchange: the Zero to JupyterHub path's exchange, ngshare, with deploy/z2jh's
  nbgrader config, module 01, the Z2JH guide's commands, and grading as the grading Job does.
In each, the instructor releases; each student logs in, fetches from the Assignments tab, answers
(one all, one part), validates and submits; the instructor collects and grades, grades the written
answer in the formgrader and releases feedback; each student fetches it and sees the score. After
each step the test checks the gradebook and the files, and a probe run by each student (in their
own terminal) tries to read the other student's work and the instructor's files.

Steps depend on the ones before: a failed step skips the rest of its term, saying which step
failed; screenshots of every open page go to test_output/hub/, and each step's time to
test_output/hub/timings.json. Needs root, Linux, Debian's chromium, sudo and `make hub-env`;
skipped elsewhere, but fails under CI=true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest

from course.paths import course_root
from tests.hub import browser as ui
from tests.hub import guide
from tests.hub.hub import Hub
from tests.hub.site import COURSE_ID, Site, missing_prerequisites, processes_of, run_reaped, stale_build

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(1200)]
OUTPUT = course_root() / "test_output" / "hub"
REPOSITORY = "https://github.com/YOUR-ACCOUNT/summits-and-warheads.git"  # the guide's placeholder


# --- the session: machine, hub, browser -------------------------------------------------------------------------


@dataclass
class World:
    site: Site
    hub: Hub | None = None
    browser: object = None
    pages: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)  # chain -> the step that failed
    ran: set = field(default_factory=set)  # guide blocks run

    @contextmanager
    def step(self, name: str, chain: str):
        """One step of a term: timed; skipped when an earlier step of the same chain failed."""
        if chain in self.failed:
            pytest.skip(f"an earlier step failed: {self.failed[chain]}")
        started = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            seconds = round(time.monotonic() - started, 1)
            self.timings.append({"step": name, "chain": chain, "seconds": seconds, "ok": ok})
            if not ok:
                self.failed[chain] = name
                slug = re.sub(r"[^a-z0-9]+", "-", name.lower())[:60]
                for user, page in self.pages.items():
                    ui.screenshot(page, OUTPUT, f"FAILED-{slug}-{user}")

    def page(self, user: str):
        """The user's browser tab, logged in through the hub's login form (once)."""
        if user not in self.pages:
            self.pages[user] = ui.login(self.browser, self.hub.url, user, self.site.passwords[user])
        return self.pages[user]

    def run_block(self, name: str) -> str:
        """Run a guide's block as the guide says: set-up blocks as root, the rest in the instructor's terminal."""
        who = guide.RUN_BY_THE_HUB_TEST[name]
        if who == "root":
            script = "\n".join(guide.commands_for(name, self.site.tljh_paths()))
            status, output, leftovers = run_reaped(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=self.site.base,
                env={
                    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME": "/root",
                    "LANG": "C.UTF-8",
                    "REPOSITORY": str(self.site.repository),
                    "INSTRUCTOR": self.site.instructor,
                },
                timeout=900,
            )
            assert status == 0, f"block {name} failed ({status}):\n{script}\n{output[-4000:]}"
            assert not leftovers, f"block {name} left processes running: {leftovers}"
        else:
            output = "\n".join(r["output"] for r in self.hub.terminal(self.site.instructor, guide.commands_for(name)))
        self.ran.add(name)
        return output

    def probe(self, module: str, ngshare: bool) -> None:
        """Each student, in their own terminal, tries to read the other's work and the instructor's
        files (only paths that exist count) and loads the course data. Nothing may be readable; the
        data must come from the instructor's course root."""
        site = self.site
        reports = {}

        def one(me: str, other: str) -> tuple[str, str]:
            other_home = site.home(other)
            course = site.course
            notebook = f"{module}.ipynb"
            targets = [
                other_home,
                other_home / COURSE_ID,
                other_home / COURSE_ID / module / notebook,
                course / "notebooks",
                course / "notebooks" / module / notebook,
                course / "gradebook.db",
                course / "nbgrader_config.py",
                course / "scripts",
                course / "release" / module / notebook,
                course / "submitted",
                course / "submitted" / other / module / notebook,
                course / "autograded" / other / module / notebook,
                course / "feedback" / other / module / f"{module}.html",
                # nbgrader's exchange: students may not list inbound/ (mode 2733). The submissions in
                # it are world-readable (the instructor collects them as another user), under names
                # no one can guess (a random suffix, checked in Term.student_works).
                site.exchange / COURSE_ID / "inbound",
            ]
            paths = [str(p) for p in targets if os.path.lexists(p)]
            url = f"{self.hub.url}/services/ngshare"
            urls = (
                [
                    f"{url}/submission/{COURSE_ID}/{module}/{other}",
                    f"{url}/submissions/{COURSE_ID}/{module}",
                    f"{url}/feedback/{COURSE_ID}/{module}/{other}",
                ]
                if ngshare
                else []
            )
            spec = site.tools / f"probe-{me}.json"
            spec.write_text(json.dumps({"paths": paths, "ngshare": urls}))
            spec.chmod(0o644)
            out = self.hub.run(me, f"python {site.tools / 'probe.py'} {spec}")
            leaks = [line for line in out.splitlines() if line.startswith(("LEAK", "NODATA"))]
            assert not leaks and f"PROBED {len(paths)} {len(urls)}" in out, f"{me}: {leaks or out[-1500:]}"
            assert f"DATADIR:{site.course / 'data'}" in out, (
                f"{me}'s kernel does not load the course root's data:\n{out}"
            )
            return me, f"{len(paths)} paths and {len(urls)} ngshare URLs denied"

        pairs = [(site.students[0], site.students[1]), (site.students[1], site.students[0])]
        with ThreadPoolExecutor(2) as pool:
            reports = dict(pool.map(lambda pair: one(*pair), pairs))
        assert len(reports) == 2


@pytest.fixture(scope="module")
def world():
    missing = missing_prerequisites()
    if missing:
        message = "the hub test needs: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run installs them)")
        pytest.skip(message)
    stale = stale_build()
    if stale:  # built, but for another checkout: a failure, not a skip (the environment must be rebuilt)
        pytest.fail(f"the hub test's environments are out of date:\n{stale}")
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    site = Site.create()
    world = World(site)
    world.timings.append({"step": "accounts, sudo rule, repository snapshot", "chain": "setup",
                          "seconds": round(time.monotonic() - started, 1), "ok": True})  # fmt: skip
    playwright = None
    problems = []
    try:
        with world.step("the TLJH guide's set-up, as root (deploy/tljh/setup.sh)", "setup"):
            world.run_block("tljh-setup")
        with world.step("JupyterHub + configurable-http-proxy + ngshare answering", "setup"):
            world.hub = Hub.start(site)
        with world.step("three servers started (in parallel)", "setup"):
            world.hub.start_servers(site.users)
        playwright = sync_playwright().start()
        world.browser = playwright.chromium.launch(executable_path=ui.CHROMIUM, args=ui.CHROMIUM_ARGS)
        yield world
    finally:
        for page in world.pages.values():
            try:
                page.context.close()
            except Exception as exc:
                problems.append(f"closing a browser context: {exc}")
        if world.browser is not None:
            world.browser.close()
        if playwright is not None:
            playwright.stop()
        if world.hub is not None:
            world.hub.stop()
        if (site.run / "jupyterhub.log").exists():  # the hub's and the servers' log, kept for a failure
            shutil.copyfile(site.run / "jupyterhub.log", OUTPUT / "jupyterhub.log")
        problems += site.close()
        world.timings.append({"step": "total", "chain": "", "seconds": round(time.monotonic() - started, 1)})
        (OUTPUT / "timings.json").write_text(json.dumps(world.timings, indent=1))
    assert not problems, f"the hub test could not clean up: {problems}"


# --- what the students answer: from the instructor's notebook ----------------------------------------------------


def answer_plan(source: Path, student: str, full: bool) -> tuple[dict[int, str], str]:
    """cell index -> what the student types. Code answers: the solution (markers removed); a partial
    student answers the first half, the first of them wrongly. Written answers: a sentence signed by
    the student. Also returns the graded written answer's grade id."""
    nb = nbformat.read(source, as_version=4)
    code, written, answers = [], None, {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        if cell.cell_type == "markdown":
            if meta.get("grade") and written is None:
                written = meta["grade_id"]
            answers[index] = f"My answer, written by {student}: the source's position shapes its account."
        else:
            code.append(index)
            answers[index] = "\n".join(
                line
                for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            )
    assert code and written, f"{source.name} has no code answer or no graded written answer"
    if not full:
        for index in code[len(code) // 2 :]:
            del answers[index]  # left as the stub: raise NotImplementedError()
        first = code[0]
        answers[first] = answers[first].replace("=", "= 1 +", 1) if "=" in answers[first] else "x = 1"
    return answers, written


def points(source: Path) -> tuple[float, float]:
    """(automatic points, points of the first written answer) of a source notebook."""
    nb = nbformat.read(source, as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    auto = sum(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "code")
    written = next(c.metadata["nbgrader"]["points"] for c in graded if c.cell_type == "markdown")
    return auto, written


def gradebook(db: Path, module: str) -> dict[str, dict[str, tuple]]:
    """student -> grade id -> (auto score, manual score), read-only."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            """SELECT sa.student_id, gc.name, g.auto_score, g.manual_score
               FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
               JOIN submitted_assignment sa ON sn.assignment_id = sa.id
               JOIN assignment a ON sa.assignment_id = a.id
               JOIN base_cell gc ON g.cell_id = gc.id
               WHERE a.name = ?""",
            (module,),
        ).fetchall()
    scores: dict[str, dict[str, tuple]] = {}
    for student, cell, auto, manual in rows:
        scores.setdefault(student, {})[cell] = (auto, manual)
    return scores


def graded_errors(notebook: Path) -> list[str]:
    """The errors in a graded notebook's outputs (to say why a score is not what it should be)."""
    if not notebook.is_file():
        return ["(no graded notebook)"]
    cells = nbformat.read(notebook, as_version=4).cells
    return [
        f"{cell.metadata.get('nbgrader', {}).get('grade_id', '?')}: {out.get('ename')}: {str(out.get('evalue'))[:200]}"
        for cell in cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def total(cells: dict[str, tuple]) -> float:
    return sum((manual if manual is not None else auto) or 0 for auto, manual in cells.values())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the set-up --------------------------------------------------------------------------------------------------


class TestSetUp:
    def test_setup_made_the_course_root_the_instructors_and_private(self, world):
        site = world.site
        with world.step("set-up: owners and modes", "setup-checks"):
            course = site.course
            uid = site.uid(site.instructor)
            assert course.stat().st_uid == uid and mode(course) == 0o711
            for private in ("notebooks", "release", "submitted", "autograded", "feedback", "reports"):
                assert mode(course / private) == 0o700, f"{private}: {oct(mode(course / private))}"
            assert mode(course / "gradebook.db") == 0o600 and mode(course / "nbgrader_config.py") & 0o077 == 0
            assert mode(course / "course") & 0o005 == 0o005 and mode(course / "data" / "events.csv") & 0o004
            assert mode(site.exchange) == 0o1777
            assert (site.exchange / COURSE_ID).stat().st_uid == uid
            hub_config = (site.hub_config / "summits-and-warheads.py").read_text()
            assert f'COURSE_ROOT = "{course}"' in hub_config and f'INSTRUCTORS = {{"{site.instructor}"}}' in hub_config
            installed = subprocess.run(
                [site.user_env / "bin" / "python", "-c", "import course.paths; print(course.paths.course_root())"],
                cwd="/",  # not this repository, whose course/ would come first
                capture_output=True,
                text=True,
                check=True,
            )
            assert installed.stdout.strip() == str(course), "the package must be installed from the course root"

    def test_instructor_lab_opens_at_the_course_root_with_the_formgrader(self, world):
        site = world.site
        with world.step("instructor: log in; lab at the course root; formgrader", "setup-checks"):
            page = world.page(site.instructor)
            config = ui.page_config(page)
            assert not set(config["disabled"]) & {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
            assert config["root"].rstrip("/") == str(site.course), config
            items = ui.nbgrader_menu(page)
            assert {"nbgrader:open-formgrader", "nbgrader:open-course-list", "nbgrader:open-assignment-list"} <= set(
                items
            ), items
            assert "Create Assignment" in ui.right_sidebar(page)
            listing = ui.file_browser_items(page)
            assert "notebooks" in listing and "nbgrader_config.py" in listing, listing
            # Inside JupyterLab the formgrader is refused (JupyterHub >= 4.1: frame-ancestors 'none'); the
            # guide says to open it in a tab of its own. If this changes upstream, the guide can change too.
            state, policy = ui.formgrader_in_lab(page)
            assert "frame-ancestors 'none'" in policy and state == "blocked", (state, policy)
            ui.screenshot(page, OUTPUT, "instructor-lab")
            own_tab = page.context.new_page()
            own_tab.goto(f"{world.hub.url}/user/{site.instructor}/formgrader")
            own_tab.locator("text=Manage Assignments").first.wait_for()
            own_tab.close()

    def test_students_see_the_assignments_tab_only(self, world):
        site = world.site
        tools = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"}
        with world.step("students: log in; the Assignments tab only, instructor tools locked", "setup-checks"):
            for student in site.students:
                page = world.page(student)
                config = ui.page_config(page)
                assert tools <= set(config["disabled"]) and tools <= set(config["locked"]), config
                assert ui.nbgrader_menu(page) == ["nbgrader:open-assignment-list"]
                assert "Create Assignment" not in ui.right_sidebar(page)
                assert page.request.get(f"{world.hub.url}/user/{student}/formgrader").status == 404
            ui.screenshot(world.pages[site.students[0]], OUTPUT, "student-lab")

    def test_kernels_run_on_private_unix_sockets(self, world):
        """deploy/jupyter_server_config.py: a kernel's channels are Unix sockets in a folder only its user
        can enter (no TCP port that another process could take before the kernel binds it)."""
        site = world.site
        code = (
            "import json, os, stat\n"
            "from ipykernel.connect import get_connection_file\n"
            "info = json.load(open(get_connection_file()))\n"
            "folder = os.path.dirname(info['ip'])\n"
            "ports = [info[k] for k in ('shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port')]\n"
            "sockets = [stat.S_ISSOCK(os.stat(f\"{info['ip']}-{p}\").st_mode) for p in ports]\n"
            "print(json.dumps({'transport': info['transport'], 'ip': info['ip'], 'sockets': sockets,\n"
            "                  'owner': os.stat(folder).st_uid, 'mode': stat.S_IMODE(os.stat(folder).st_mode)}))"
        )
        with world.step("kernels: private Unix sockets, not TCP ports", "setup-checks"):
            for user in (site.students[0], site.instructor):
                seen = world.hub.kernel(user, code)
                assert seen["status"] == "ok", seen
                info = json.loads(seen["output"].strip().splitlines()[-1])
                assert info["transport"] == "ipc" and info["sockets"] == [True] * 5, info
                # 0700, plus the sticky bit jupyter_client sets on a connection file's folder
                assert info["owner"] == site.uid(user) and info["mode"] & 0o777 == 0o700, info
                assert len(f"{info['ip']}-99999") < 108, f"a socket path must fit in sockaddr_un: {info['ip']}"


# --- a term ------------------------------------------------------------------------------------------------------


@dataclass
class Term:
    """One module's term through one exchange; the steps share what they learn here."""

    exchange: str
    module: str
    doc: str
    blocks: dict[str, str]  # step -> guide block
    notes: dict = field(default_factory=dict)

    @property
    def chain(self) -> str:
        return self.exchange

    def source(self, world: World) -> Path:
        return world.site.course / "notebooks" / self.module / f"{self.module}.ipynb"

    def db(self, world: World) -> Path:
        return world.site.course / "gradebook.db"

    # steps shared by both exchanges ------------------------------------------------------------------------------
    def release(self, world: World) -> None:
        out = world.run_block(self.blocks["release"])
        released = world.site.course / "release" / self.module / f"{self.module}.ipynb"
        assert released.is_file() and "BEGIN SOLUTION" not in released.read_text(), out
        if self.exchange == "folder":
            outbound = world.site.exchange / COURSE_ID / "outbound" / self.module / f"{self.module}.ipynb"
            assert outbound.is_file() and "BEGIN SOLUTION" not in outbound.read_text()

    def student_works(self, world: World, student: str, full: bool) -> None:
        site = world.site
        answers, written = answer_plan(self.source(world), student, full)
        self.notes["written"] = written
        page = world.page(student)
        ui.open_assignments(page)
        ui.fetch_assignment(page, self.module)
        fetched = site.home(student) / COURSE_ID / self.module / f"{self.module}.ipynb"
        assert fetched.is_file() and fetched.stat().st_uid == site.uid(student)
        ui.open_fetched_notebook(page, self.module, self.module)
        ui.write_answers(page, answers)
        saved = nbformat.read(fetched, as_version=4)
        for index, text in answers.items():
            assert saved.cells[index].source.strip() == text.strip(), (index, saved.cells[index].source[:300])
        verdict = ui.validate(page)
        ui.screenshot(page, OUTPUT, f"{self.exchange}-{student}-validate")
        if full:
            assert "Success" in verdict, verdict
        else:
            assert re.search(r"fail|error", verdict, re.I), verdict
        ui.submit(page, self.module)
        if self.exchange == "folder":
            inbound = list((site.exchange / COURSE_ID / "inbound").glob(f"{student}+{self.module}+*"))
            assert len(inbound) == 1, inbound
            # student+module+timestamp+random: the random part is what keeps others from the file
            assert len(inbound[0].name.split("+")[-1]) >= 12, inbound[0].name
            assert mode(inbound[0].parent) == 0o2733, oct(mode(inbound[0].parent))

    def check_graded(self, world: World, output: str) -> dict[str, float]:
        site = world.site
        for student in site.students:
            assert (site.course / "submitted" / student / self.module / f"{self.module}.ipynb").is_file()
        assert "graded 2 submission(s)" in output, output
        assert "isolation: full" in output, output
        # graded as root: what the grader wrote is the instructor's again (course.pipeline.ownership)
        assert "given back to" in output, output
        uid = site.uid(site.instructor)
        written = [site.course / "autograded", *(site.course / "autograded").rglob("*"), self.db(world)]
        wrong = [str(p) for p in written if p.lstat().st_uid != uid]
        assert not wrong, f"graded files not given back to the instructor: {wrong[:5]}"
        scores = gradebook(self.db(world), self.module)
        auto = {
            s: total({k: (a, None) for k, (a, _) in scores[s].items() if k != self.notes["written"]}) for s in scores
        }
        full_marks, _ = points(self.source(world))
        first, second = site.students
        errors = {
            s: graded_errors(site.course / "autograded" / s / self.module / f"{self.module}.ipynb") for s in scores
        }
        assert auto[first] == full_marks and 0 < auto[second] < full_marks, (auto, full_marks, errors, output[-3000:])
        return auto

    def formgrade(self, world: World) -> None:
        site = world.site
        _, written_points = points(self.source(world))
        tab = world.page(site.instructor).context.new_page()
        try:
            wanted = {site.students[0]: written_points, site.students[1]: 1}
            saved = ui.grade_written_answer(
                tab,
                f"{world.hub.url}/user/{site.instructor}/formgrader",
                self.module,
                self.module,
                self.notes["written"],
                wanted,
            )
            ui.screenshot(tab, OUTPUT, f"{self.exchange}-formgrader")
        finally:
            tab.close()
        assert saved == wanted, saved
        scores = gradebook(self.db(world), self.module)
        assert {s: scores[s][self.notes["written"]][1] for s in site.students} == wanted

    def feedback(self, world: World) -> None:
        world.run_block(self.blocks["feedback"])
        for student in world.site.students:
            page = world.site.course / "feedback" / student / self.module / f"{self.module}.html"
            assert page.is_file(), page

    def student_sees_score(self, world: World, student: str) -> None:
        site = world.site
        page = world.page(student)
        text = ui.fetch_feedback(page, self.module)
        ui.screenshot(page, OUTPUT, f"{self.exchange}-{student}-feedback")
        expected = total(gradebook(self.db(world), self.module)[student])
        header = next(line for line in text.splitlines() if "Score:" in line)
        assert re.search(rf"Score: {expected:g}(\.0+)? /", header), (header, expected)
        other = next(s for s in site.students if s != student)
        assert f"written by {student}" in text and f"written by {other}" not in text
        assert "BEGIN HIDDEN TESTS" not in text


FOLDER = Term(
    "folder",
    "00-orientation",
    "docs/deploy-tljh.md",
    {"release": "tljh-release", "grade": "tljh-collect-grade", "feedback": "tljh-feedback"},
)
NGSHARE = Term(
    "ngshare",
    "01-reading-the-argument",
    "docs/deploy-z2jh.md",
    {"enrol": "z2jh-enrol", "release": "z2jh-release", "collect": "z2jh-collect", "feedback": "z2jh-feedback"},
)


class TestFolderExchange:
    """The Littlest JupyterHub: nbgrader's exchange folder; docs/deploy-tljh.md's commands."""

    term = FOLDER

    def test_01_instructor_releases_the_module(self, world):
        with world.step("folder: course release --exchange", self.term.chain):
            self.term.release(world)

    def test_02_instructor_data_edit_reaches_a_students_kernel(self, world):
        """The package is installed from the course root: an edit to data/ (saved as JupyterLab's
        editor saves), once checked with the guide's command, is what a student's kernel loads."""
        site = world.site
        with world.step("folder: the instructor edits data/; a student's kernel sees it", self.term.chain):
            from course.data import load_events

            first = load_events().iloc[0]  # what `events.head()` shows first in module 00
            marker = " (edited in class)"
            title = str(first["title"])
            new_title = (title[: 48 - len(marker)] + marker) if len(title) + len(marker) > 48 else title + marker
            text = world.hub.contents(site.instructor, "data/events.csv")
            line = next(row for row in text.splitlines() if row.startswith(f"{first['event_id']},"))
            field = f",{title},"  # the title column (the description may repeat the words)
            assert line.count(field) == 1, line
            edited = text.replace(line, line.replace(field, f",{new_title},"))
            world.hub.contents(site.instructor, "data/events.csv", edited)
            world.run_block("tljh-data")
            assert mode(site.course / "data" / "datapackage.json") & 0o004, "students must still read the schema"
            seen = world.hub.kernel(
                site.students[0],
                "from course.data import load_events\n"
                f"print(load_events().set_index('event_id').loc[{first['event_id']!r}, 'title'])",
            )
            assert seen["status"] == "ok" and new_title in seen["output"], seen
            self.term.notes["edited title"] = new_title

    def test_03_first_student_answers_everything_validates_and_submits(self, world):
        with world.step("folder: student 1 fetches, answers all, validates, submits", self.term.chain):
            self.term.student_works(world, world.site.students[0], full=True)

    def test_04_second_student_answers_part_validates_and_submits(self, world):
        with world.step("folder: student 2 fetches, answers part, validates, submits", self.term.chain):
            self.term.student_works(world, world.site.students[1], full=False)

    def test_05_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("folder: isolation probe after submission", self.term.chain):
            world.probe(self.term.module, ngshare=False)

    def test_06_instructor_collects_and_grades_as_root(self, world):
        site = world.site
        with world.step("folder: course collect; sudo course grade", self.term.chain):
            output = world.run_block("tljh-collect-grade")
            self.term.check_graded(world, output)
            # the grader used the instructor's data/: module 00 shows the first events
            graded = site.course / "autograded" / site.students[0] / self.term.module / f"{self.term.module}.ipynb"
            outputs = json.dumps([c.get("outputs", []) for c in json.loads(graded.read_text())["cells"]])
            assert self.term.notes["edited title"] in outputs, "the grading kernel did not see the edited data"

    def test_07_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("folder: isolation probe after grading", self.term.chain):
            world.probe(self.term.module, ngshare=False)

    def test_08_instructor_grades_the_written_answer_in_the_formgrader(self, world):
        with world.step("folder: formgrader, in its own tab", self.term.chain):
            self.term.formgrade(world)

    def test_09_instructor_releases_feedback(self, world):
        with world.step("folder: course feedback; release_feedback; course report", self.term.chain):
            self.term.feedback(world)
            assert (world.site.course / "reports" / f"{self.term.module}.html").is_file()

    def test_10_first_student_sees_their_score(self, world):
        with world.step("folder: student 1 fetches feedback, sees the score", self.term.chain):
            self.term.student_sees_score(world, world.site.students[0])

    def test_11_second_student_sees_their_score(self, world):
        with world.step("folder: student 2 fetches feedback, sees the score", self.term.chain):
            self.term.student_sees_score(world, world.site.students[1])

    def test_12_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("folder: isolation probe after feedback", self.term.chain):
            world.probe(self.term.module, ngshare=False)

    def test_13_instructor_backs_up_the_gradebook(self, world):
        site = world.site
        with world.step("folder: the guide's gradebook backup", self.term.chain):
            world.run_block("tljh-backup")
            backups = site.home(site.instructor) / "backups"
            copy = next(backups.glob("gradebook-*.db"))
            assert gradebook(copy, self.term.module) == gradebook(self.term.db(world), self.term.module)
            assert mode(copy) == 0o600 and mode(backups) == 0o700
            rows = next(backups.glob("grades-*.csv")).read_text().splitlines()
            assert len(rows) > 2 and all(s in "\n".join(rows) for s in site.students)


class TestNgshareExchange:
    """Zero to JupyterHub's exchange: ngshare as a hub service; docs/deploy-z2jh.md's commands."""

    term = NGSHARE

    def test_01_instructor_enrols_the_students_in_ngshare(self, world):
        site = world.site
        with world.step("ngshare: the image's nbgrader config; create_course; add_students", self.term.chain):
            # what the image's Dockerfile installs as /etc/jupyter/nbgrader_config.py, in the shared environment
            config = site.user_env / "etc" / "jupyter" / "nbgrader_config.py"
            config.write_text((course_root() / "deploy" / "z2jh" / "nbgrader_config.py").read_text())
            config.chmod(0o644)
            header = guide.csv_header(self.term.doc)
            rows = "".join(f"{s}{',' * header.count(',')}\n" for s in site.students)
            world.hub.contents(site.instructor, "students.csv", f"{header}\n{rows}")
            output = world.run_block("z2jh-enrol")
            assert output.count("successfully") >= len(site.students), output
            with sqlite3.connect(f"file:{self.term.db(world)}?mode=ro", uri=True) as con:
                enrolled = {row[0] for row in con.execute("SELECT id FROM student")}
            assert set(site.students) <= enrolled, enrolled

    def test_02_instructor_releases_the_module(self, world):
        with world.step("ngshare: course release --exchange", self.term.chain):
            self.term.release(world)

    def test_03_first_student_answers_everything_validates_and_submits(self, world):
        with world.step("ngshare: student 1 fetches, answers all, validates, submits", self.term.chain):
            self.term.student_works(world, world.site.students[0], full=True)

    def test_04_second_student_answers_part_validates_and_submits(self, world):
        with world.step("ngshare: student 2 fetches, answers part, validates, submits", self.term.chain):
            self.term.student_works(world, world.site.students[1], full=False)

    def test_05_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("ngshare: isolation probe after submission", self.term.chain):
            world.probe(self.term.module, ngshare=True)

    def test_06_instructor_collects_and_the_grading_job_grades(self, world):
        site = world.site
        with world.step("ngshare: course collect; the grading Job's command as root", self.term.chain):
            world.run_block("z2jh-collect")
            # the Job's container, as the guide applies it; its volume's course root is the test's
            job = guide.grading_job(self.term.module)
            env = {
                "PATH": f"{site.user_env / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin",  # the image's PATH
                "HOME": "/root",
                "LANG": "C.UTF-8",
                **{k: v.replace(job.working_dir, str(site.course)) for k, v in job.env.items()},
            }
            argv = [a.replace(job.working_dir, str(site.course)) for a in job.argv]
            status, output, leftovers = run_reaped(argv, cwd=site.course, env=env, timeout=900)
            assert status == 0, output[-4000:]
            assert not leftovers, f"the grading left processes running: {leftovers}"
            self.term.check_graded(world, output)

    def test_07_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("ngshare: isolation probe after grading", self.term.chain):
            world.probe(self.term.module, ngshare=True)

    def test_08_instructor_grades_the_written_answer_in_the_formgrader(self, world):
        with world.step("ngshare: formgrader, in its own tab", self.term.chain):
            self.term.formgrade(world)

    def test_09_instructor_releases_feedback(self, world):
        with world.step("ngshare: course feedback; release_feedback", self.term.chain):
            self.term.feedback(world)

    def test_10_first_student_sees_their_score(self, world):
        with world.step("ngshare: student 1 fetches feedback, sees the score", self.term.chain):
            self.term.student_sees_score(world, world.site.students[0])

    def test_11_second_student_sees_their_score(self, world):
        with world.step("ngshare: student 2 fetches feedback, sees the score", self.term.chain):
            self.term.student_sees_score(world, world.site.students[1])

    def test_12_no_student_reads_another_or_the_instructors_files(self, world):
        with world.step("ngshare: isolation probe after feedback", self.term.chain):
            world.probe(self.term.module, ngshare=True)


class TestEnd:
    def test_every_guide_block_for_the_hub_was_run(self, world):
        if world.failed:
            pytest.skip(f"earlier steps failed: {world.failed}")
        assert world.ran == set(guide.RUN_BY_THE_HUB_TEST)

    def test_no_kernel_ran_over_tcp(self, world):
        """Every kernel the servers started (notebooks, nbgrader's Validate) logs to the hub's log; over TCP,
        ipykernel warns there that it "is running over TCP without encryption"."""
        if world.failed:
            pytest.skip(f"earlier steps failed: {world.failed}")
        log = world.hub.log.read_text(errors="replace")
        assert "Kernel started:" in log, "no kernel started by a server was logged"
        tcp = [line for line in log.splitlines() if "running over TCP" in line or "Address already in use" in line]
        assert not tcp, tcp[:5]

    def test_hub_stops_and_leaves_no_process_of_the_test_accounts(self, world):
        site = world.site
        with world.step("memory, then stop the hub", "end"):
            memory = {}
            for user in site.users:
                memory[user] = sum(_rss(p) for p in processes_of(site.uid(user)))
            ours = psutil.Process(world.hub.process.pid).children(recursive=True)
            memory["hub, proxy, ngshare"] = sum(_rss(p) for p in ours if p.uids().effective == 0)
            world.timings.append({"memory_mb": {k: round(v / 2**20) for k, v in memory.items()}})
            for page in world.pages.values():
                page.context.close()
            world.pages.clear()
            hub, world.hub = world.hub, None
            assert hub.stop() == 0, hub.log_tail()
            assert hub.leftovers == [], f"the hub stopped, these had to be ended: {hub.leftovers}"
            for user in site.users:
                assert not processes_of(site.uid(user)), f"{user} still runs processes"
            # the servers' kernel-socket folders (deploy/jupyter_server_config.py) went with them
            uids = {site.uid(user) for user in site.users}
            left = [str(p) for p in Path(tempfile.gettempdir()).glob("jupyter-kernels-*") if p.stat().st_uid in uids]
            assert not left, f"kernel-socket folders left behind: {left}"


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0
