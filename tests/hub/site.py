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
"""

from __future__ import annotations

import fcntl
import os
import pwd
import secrets
import shutil
import subprocess
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
INSTRUCTOR = "swh-instructor"
STUDENTS = ["swh-student1", "swh-student2"]
SUDOERS = Path("/etc/sudoers.d/summits-and-warheads-hub-test")
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


def sh(*command: str | Path, check: bool = True, **options) -> subprocess.CompletedProcess:
    """Run a command as root; on failure, raise with what it printed."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **options)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def processes_of(uid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["uids"]):
        uids = process.info["uids"]
        if uids and uid in (uids.real, uids.effective):
            found.append(process)
    return found


def end_processes_of(uid: int, timeout: float = 10) -> list[str]:
    """End every process of one test account, by pid; return what had to be ended."""
    victims = processes_of(uid)
    for process in victims:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(victims, timeout=timeout)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=timeout)
    return [f"{p.pid}" for p in victims]


@dataclass
class Site:
    base: Path
    instructor: str = INSTRUCTOR
    students: list[str] = field(default_factory=lambda: list(STUDENTS))
    passwords: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    sudoers_written: bool = False
    lock: object = None
    notes: list[str] = field(default_factory=list)

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
        fcntl.flock(lock, fcntl.LOCK_EX)  # one hub test at a time on this machine (they share accounts, env)
        base = Path(tempfile.mkdtemp(prefix="summits-hub-", dir="/var/tmp"))
        base.chmod(0o755)
        site = cls(base=base, lock=lock)
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
            site._remove_leftover_accounts()
            site._create_accounts()
            site._write_sudoers()
            site._snapshot_repository()
        except BaseException:
            site.close()
            raise
        return site

    def _remove_leftover_accounts(self) -> None:
        """Accounts of an earlier run that was killed before it could clean up (ours by their GECOS)."""
        for name in self.users:
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            if entry.pw_gecos != MARKER:
                raise RuntimeError(f"an account {name!r} exists and is not this test's: not touching it")
            end_processes_of(entry.pw_uid)
            sh("userdel", "--remove", name, check=False)
            self.notes.append(f"removed the leftover account {name}")

    def _create_accounts(self) -> None:
        for name in self.users:
            sh("useradd", "--create-home", "--home-dir", self.home(name), "--shell", "/bin/bash", "--user-group",
               "--comment", MARKER, name)  # fmt: skip
            self.created.append(name)
            self.home(name).chmod(0o700)
            self.passwords[name] = secrets.token_urlsafe(12)
            sh("chpasswd", input=f"{name}:{self.passwords[name]}\n")

    def _write_sudoers(self) -> None:
        """The instructor may run `course` and `chown` as root, as a TLJH admin may run anything: the
        guide grades with `sudo "$(command -v course)" grade MODULE`."""
        rule = f"{self.instructor} ALL=(root) NOPASSWD: {self.user_env / 'bin' / 'course'}, /usr/bin/chown\n"
        draft = self.run / "sudoers"
        draft.write_text(rule)
        sh("visudo", "--check", "--file", draft)
        SUDOERS.parent.mkdir(mode=0o750, exist_ok=True)
        shutil.copyfile(draft, SUDOERS)
        SUDOERS.chmod(0o440)
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
        """Remove everything this site made; return what went wrong (never raises: runs after failures)."""
        problems = []

        def attempt(what, action):
            try:
                action()
            except Exception as exc:  # noqa: BLE001 (the rest of the clean-up must still run)
                problems.append(f"{what}: {exc}")

        for name in list(self.created):
            attempt(f"ending {name}'s processes", lambda n=name: end_processes_of(self.uid(n)))
        if self.sudoers_written:
            attempt("removing the sudo rule", lambda: SUDOERS.unlink(missing_ok=True))
        attempt("resetting the user environment", self._reset_user_env)
        for name in list(self.created):
            attempt(f"removing the account {name}", lambda n=name: sh("userdel", "--remove", n))
            self.created.remove(name)
        attempt("removing the test folder", lambda: shutil.rmtree(self.base))
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
