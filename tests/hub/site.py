"""The machine side of tests/test_hub.py: TLJH's folders in a throw-away place, real Unix accounts,
the instructor's sudo rule, and a snapshot of this repository to clone from. Everything it makes,
it removes (`Site.close`), also after a failure.

Where TLJH's folders are here (the guide's paths are replaced by these in the commands the test
runs as root; the per-module commands need no replacing):
    /srv/summits-and-warheads            -> BASE/srv/summits-and-warheads   (the course root)
    /srv/nbgrader/exchange               -> BASE/srv/nbgrader/exchange
    /opt/tljh/config/jupyterhub_config.d -> BASE/tljh-config/jupyterhub_config.d
    /opt/tljh/user                       -> HUB_HOME/user-env (tests/hub/install.sh built it)
BASE is a fresh folder under /var/tmp, mode 0755: pytest's own tmp_path (/tmp/pytest-of-root, 0700)
is closed to the other accounts. Homes are BASE/home/NAME, mode 0700 (Debian's useradd makes
0755 homes; TLJH makes them private too).

What it changes on the machine, and how it is undone. Account names are new for every run
(`swh<4 hex>-instructor`, `-student1`, `-student2`), so no account of anyone else is ever touched.
Before making anything (an account, BASE, the sudo rule) it is written to a ledger,
HUB_HOME/hub-test-ledger.json; `Site.close` removes it and crosses it off. A run that was killed
before its clean-up leaves its entries, and the next run removes exactly those (an account only
if it still carries this test's GECOS marker and runs nothing). No process is ever ended here:
everything the accounts run was started by the hub, under tests/hub/reaper.py, which ends it.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from course.paths import course_root

HERE = Path(__file__).resolve().parent
HUB_HOME = Path(os.environ.get("HUB_HOME", "/opt/summits-and-warheads-hub"))
PROXY = HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
SUDO = shutil.which("sudo") or "/usr/bin/sudo"
MARKER = "summits-and-warheads hub test"  # GECOS of the accounts this test makes; others are never touched
SUDOERS_DIR = Path("/etc/sudoers.d")  # the rule is summits-and-warheads-hub-test-RUN: runs never share it
LEDGER = HUB_HOME / "hub-test-ledger.json"
REAPER = HERE / "reaper.py"
COURSE_ID = "summits-and-warheads"


def missing_prerequisites() -> list[str]:
    """What this machine lacks for the hub test (empty when it can run)."""
    missing = []
    if os.name != "posix" or not Path("/proc").is_dir():
        missing.append("Linux")
    elif os.geteuid() != 0:
        missing.append("root (it makes Unix accounts and runs JupyterHub with PAM)")
    if not list(HUB_HOME.glob(".built-*")) or not (HUB_HOME / "user-env" / "bin" / "jupyterhub").exists():
        missing.append(f"the hub environments in {HUB_HOME} (make hub-env)")
    if not PROXY.exists():
        missing.append("configurable-http-proxy (make hub-env)")
    for tool in ("useradd", "chpasswd", "userdel", "git", "visudo"):
        if shutil.which(tool) is None:
            missing.append(tool + (" (apt-get install sudo)" if tool == "visudo" else ""))
    if shutil.which("chromium") is None:
        missing.append("chromium (apt-get install chromium)")
    return missing


def stale_build() -> str | None:
    """None when the hub environments match this checkout (tests/hub/install.sh --check: the pins,
    pyproject.toml, install.sh and the proxy's package-lock.json); otherwise why not, naming
    `make hub-env`. A build for another pyproject.toml would otherwise fail much later, in pip."""
    check = subprocess.run(
        ["bash", str(HERE / "install.sh"), str(HUB_HOME), "--check"], capture_output=True, text=True, check=False
    )
    return None if check.returncode == 0 else (check.stderr or check.stdout).strip()


def sh(*command: str | Path, check: bool = True, **options) -> subprocess.CompletedProcess:
    """Run a command as root; on failure, raise with what it printed."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **options)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def processes_of(uid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["uids"]):
        uids = process.info["uids"]
        if uids and uid in (uids.real, uids.effective):
            found.append(process)
    return found


def run_reaped(argv: list[str], *, timeout: float, grace: float = 30, **options) -> tuple[int, str, list[str]]:
    """Run `argv` under tests/hub/reaper.py, output captured; stop it (SIGTERM, then SIGKILL after
    `grace` s) if it outlives `timeout`. Returns (exit status, output, processes it left that had
    to be ended). Whatever it started ends with it, and nothing else is signalled."""
    with tempfile.NamedTemporaryFile(prefix="reaper-", suffix=".json", delete=False) as handle:
        report = Path(handle.name)
    process = subprocess.Popen(
        [sys.executable, str(REAPER), str(report), str(grace), "--", *map(str, argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **options,
    )
    try:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=grace + 60)
            output += f"\n[stopped after {timeout} s]"
        result = json.loads(report.read_text() or "{}")
    finally:
        if process.poll() is None:  # only if the reaper itself hangs: it, and its group, by pid
            process.kill()
            process.wait()
        report.unlink(missing_ok=True)
    return result.get("status", process.returncode), output, result.get("leftovers", [])


@dataclass
class Site:
    base: Path
    run_id: str
    passwords: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    sudoers_written: bool = False
    lock: object = None
    notes: list[str] = field(default_factory=list)

    @property
    def instructor(self) -> str:
        return f"swh{self.run_id}-instructor"

    @property
    def students(self) -> list[str]:
        return [f"swh{self.run_id}-student1", f"swh{self.run_id}-student2"]

    # --- where things are -----------------------------------------------------------------------------------
    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    @property
    def user_env(self) -> Path:
        return HUB_HOME / "user-env"

    @property
    def ngshare_env(self) -> Path:
        return HUB_HOME / "ngshare-env"

    @property
    def course(self) -> Path:
        return self.base / "srv" / COURSE_ID

    @property
    def exchange(self) -> Path:
        return self.base / "srv" / "nbgrader" / "exchange"

    @property
    def hub_config(self) -> Path:
        return self.base / "tljh-config" / "jupyterhub_config.d"

    @property
    def homes(self) -> Path:
        return self.base / "home"

    @property
    def run(self) -> Path:
        return self.base / "run"

    @property
    def tools(self) -> Path:
        return self.base / "tools"

    @property
    def repository(self) -> Path:
        return self.base / "repository.git"

    @property
    def sudoers(self) -> Path:
        """This run's sudo rule (a name of its own: a hub test from another HUB_HOME may run alongside)."""
        return SUDOERS_DIR / f"summits-and-warheads-hub-test-{self.run_id}"

    def home(self, user: str) -> Path:
        return self.homes / user

    def tljh_paths(self) -> dict[str, str]:
        """The guide's TLJH folders -> this machine's (longest first, so prefixes do not clash)."""
        paths = {
            "/srv/summits-and-warheads": str(self.course),
            "/srv/nbgrader/exchange": str(self.exchange),
            "/opt/tljh/config/jupyterhub_config.d": str(self.hub_config),
            "/opt/tljh/user": str(self.user_env),
        }
        return dict(sorted(paths.items(), key=lambda item: -len(item[0])))

    def uid(self, user: str) -> int:
        return pwd.getpwnam(user).pw_uid

    # --- making it ------------------------------------------------------------------------------------------
    @classmethod
    def create(cls) -> Site:
        lock = open(HUB_HOME / ".lock", "w")  # noqa: SIM115 (held for the whole session)
        fcntl.flock(lock, fcntl.LOCK_EX)  # one hub test at a time on this machine (they share the environment)
        notes = _clean_up_after_killed_runs()
        run_id = secrets.token_hex(2)
        while Path(f"/var/tmp/summits-hub-{run_id}").exists() or _account_exists(f"swh{run_id}-instructor"):
            run_id = secrets.token_hex(2)
        base = Path(f"/var/tmp/summits-hub-{run_id}")
        _ledger_add({"kind": "folder", "path": str(base), "run": run_id})
        base.mkdir(mode=0o755)
        base.chmod(0o755)
        site = cls(base=base, run_id=run_id, lock=lock, notes=notes)
        try:
            for folder in (site.homes, site.tools, base / "srv"):
                folder.mkdir(parents=True)
                folder.chmod(0o755)
            site.run.mkdir(mode=0o700)
            (site.run / "ngshare" / "files").mkdir(parents=True)
            for script in ("probe.py",):
                shutil.copy2(HERE / script, site.tools / script)
                (site.tools / script).chmod(0o644)
            site._reset_user_env()  # after a run that was killed before its clean-up, too
            site._create_accounts()
            site._write_sudoers()
            site._snapshot_repository()
        except BaseException:
            site.close()
            raise
        return site

    def _create_accounts(self) -> None:
        for name in self.users:
            _ledger_add({"kind": "account", "name": name, "run": self.run_id})
            sh("useradd", "--create-home", "--home-dir", self.home(name), "--shell", "/bin/bash", "--user-group",
               "--comment", MARKER, name)  # fmt: skip
            self.created.append(name)
            self.home(name).chmod(0o700)
            self.passwords[name] = secrets.token_urlsafe(12)
            sh("chpasswd", input=f"{name}:{self.passwords[name]}\n")

    def _write_sudoers(self) -> None:
        """The instructor may run `course` as root, as a TLJH admin may run anything: the guide grades
        with `sudo "$(command -v course)" grade MODULE`."""
        rule = f"{self.instructor} ALL=(root) NOPASSWD: {self.user_env / 'bin' / 'course'}\n"
        draft = self.run / "sudoers"
        draft.write_text(rule)
        sh("visudo", "--check", "--file", draft)
        _ledger_add({"kind": "file", "path": str(self.sudoers), "run": self.run_id})
        SUDOERS_DIR.mkdir(mode=0o750, exist_ok=True)
        shutil.copyfile(draft, self.sudoers)
        self.sudoers.chmod(0o440)
        self.sudoers_written = True

    def _snapshot_repository(self) -> None:
        """A bare repository holding this working tree as it is (committed or not, ignored files left
        out), for the guide's `git clone`: the test checks the files on disk, not the last commit."""
        root = course_root()
        index = self.run / "snapshot-index"
        env = dict(os.environ, GIT_INDEX_FILE=str(index), GIT_AUTHOR_NAME="hub test", GIT_AUTHOR_EMAIL="hub@test",
                   GIT_COMMITTER_NAME="hub test", GIT_COMMITTER_EMAIL="hub@test")  # fmt: skip
        sh("git", "-C", root, "add", "--all", env=env)
        tree = sh("git", "-C", root, "write-tree", env=env).stdout.strip()
        commit = sh("git", "-C", root, "commit-tree", tree, "-m", "working tree for the hub test", env=env)
        sh("git", "init", "--quiet", "--bare", "--initial-branch=main", self.repository)
        sh("git", "-C", root, "push", "--quiet", self.repository, f"{commit.stdout.strip()}:refs/heads/main")

    # --- removing it ----------------------------------------------------------------------------------------
    def close(self) -> list[str]:
        """Remove everything this site made; return what went wrong (never raises: runs after failures).
        The hub, and everything the accounts ran, must have ended first (Hub.stop)."""
        problems = []

        def attempt(what, action):
            try:
                action()
            except Exception as exc:
                problems.append(f"{what}: {exc}")

        if self.sudoers_written:
            attempt("removing the sudo rule", lambda: _remove_entry({"kind": "file", "path": str(self.sudoers)}))
        attempt("resetting the user environment", self._reset_user_env)
        for name in list(self.created):
            attempt(f"removing the account {name}", lambda n=name: _remove_entry({"kind": "account", "name": n}))
            self.created.remove(name)
        attempt("removing the test folder", lambda: _remove_entry({"kind": "folder", "path": str(self.base)}))
        if not problems:
            attempt("closing the ledger", lambda: _ledger_drop(self.run_id))
        if self.lock is not None:
            self.lock.close()
        return problems

    def _reset_user_env(self) -> None:
        """The shared user environment as tests/hub/install.sh built it: without the course that
        setup.sh installs (editable, from a course root that is about to go) and with its Jupyter
        config as it was before setup.sh wrote the students' and the instructor's settings."""
        pip = self.user_env / "bin" / "pip"
        if sh(pip, "show", "--quiet", "summits-and-warheads", check=False).returncode == 0:
            sh(pip, "uninstall", "--quiet", "--yes", "summits-and-warheads")
        shutil.rmtree(self.user_env / "etc")
        shutil.copytree(HUB_HOME / "user-env-etc.pristine", self.user_env / "etc", symlinks=True)


# --- the ledger: what a run made, so that it (or the next run, if it was killed) removes exactly that -------------


def _ledger() -> list[dict]:
    return json.loads(LEDGER.read_text()) if LEDGER.exists() else []


def _ledger_write(entries: list[dict]) -> None:
    draft = LEDGER.with_suffix(".new")
    draft.write_text(json.dumps(entries, indent=1))
    draft.replace(LEDGER)


def _ledger_add(entry: dict) -> None:
    _ledger_write([*_ledger(), entry])


def _ledger_drop(run_id: str) -> None:
    _ledger_write([e for e in _ledger() if e.get("run") != run_id])


def _account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _remove_entry(entry: dict) -> None:
    """Undo one ledger entry. Accounts: only one that carries this test's marker and runs nothing."""
    if entry["kind"] == "account":
        try:
            account = pwd.getpwnam(entry["name"])
        except KeyError:
            return
        if account.pw_gecos != MARKER:
            raise RuntimeError(f"the account {entry['name']} is not this test's (GECOS {account.pw_gecos!r}): kept")
        running = processes_of(account.pw_uid)
        if running:
            raise RuntimeError(f"{entry['name']} still runs {[p.pid for p in running]}: account kept")
        sh("userdel", "--remove", entry["name"])
    elif entry["kind"] == "folder":
        shutil.rmtree(entry["path"], ignore_errors=not Path(entry["path"]).exists())
    elif entry["kind"] == "file":
        Path(entry["path"]).unlink(missing_ok=True)


def _clean_up_after_killed_runs() -> list[str]:
    """Entries left by runs that never reached their clean-up (this run holds the lock: no other is
    running). Returns what was done, for the test's notes."""
    notes, kept = [], []
    for entry in _ledger():
        try:
            _remove_entry(entry)
            notes.append(f"removed what a killed run left: {entry}")
        except Exception as exc:
            kept.append(entry)
            notes.append(f"could not remove {entry}: {exc}")
    _ledger_write(kept)
    return notes


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll `condition()` until it returns something truthy; return it, or fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {timeout} s")
        time.sleep(interval)
