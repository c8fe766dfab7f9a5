"""course.autograder.sandbox, the parts that need no namespaces and no kernel: the options that
travel to the sandbox, the launcher's arguments, and the resource limits, applied in a forked
child (never in the test process), and the rule that no kernel ever runs as root. Namespaces and
mounts are covered by the slow tests (tests/test_adversarial.py, tests/test_isolation.py)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from course.autograder import sandbox
from course.autograder.limits import Limits
from course.autograder.sandbox import SandboxOptions, _limit, launcher_arguments, main
from tests.unit_fixtures import child_output, in_child

MB = 1024 * 1024
SMALL = Limits(memory_mb=3000, max_file_mb=5, max_open_files=40, max_processes=77, submission_timeout=20)


def options(**changes) -> SandboxOptions:
    values = {
        "workdir": "/scratch/1001",
        "uid": 100_032,
        "namespaces": False,
        "hide": ("/home", "/tmp"),
        "keep": ("/usr/lib/python3",),
        "limits": SMALL,
    }
    return SandboxOptions(**(values | changes))


def test_options_survive_their_trip_as_json():
    """Tuples come back as tuples and the limits as Limits, so the sandbox sees what the grader set."""
    sent = options(namespaces=True)
    received = SandboxOptions.from_json(sent.to_json())
    assert received == sent
    assert isinstance(received.hide, tuple) and isinstance(received.limits, Limits)


def test_options_without_paths_or_limits_get_the_defaults():
    received = SandboxOptions.from_json(json.dumps({"workdir": "/w", "uid": 5, "namespaces": False}))
    assert (received.hide, received.keep, received.limits) == ((), (), Limits())


def test_launcher_arguments_carry_the_options():
    arguments = launcher_arguments(options())
    assert arguments[0] == "--options" and len(arguments) == 2
    assert SandboxOptions.from_json(arguments[1]) == options()


def test_the_launcher_needs_the_kernels_command_after_a_double_dash(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--options", options().to_json(), "python", "-m", "ipykernel_launcher"])
    assert raised.value.code == 2 and "after --" in capsys.readouterr().err


def test_the_launcher_refuses_namespaces(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--options", options(namespaces=True).to_json(), "--", "true"])
    assert raised.value.code == 2 and "cannot build namespaces" in capsys.readouterr().err


def test_the_launcher_needs_options(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--", "true"])
    assert raised.value.code == 2 and "--options" in capsys.readouterr().err


REPORT = (
    "import json, os, resource as r\n"
    "print(json.dumps({'cwd': os.getcwd(), 'leader': os.getsid(0) == os.getpid(), 'uids': list(os.getresuid()),"
    " 'limits': {n: r.getrlimit(getattr(r, n))[0] for n in"
    " ('RLIMIT_AS', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_CORE', 'RLIMIT_CPU', 'RLIMIT_NPROC')}}))\n"
)


def test_the_launcher_runs_the_kernel_in_its_folder_with_limits_in_a_session_of_its_own(tmp_path):
    """`python -m course.autograder.sandbox` ends in exec; here it execs a small Python that
    reports where it runs, as whom and under which limits. Started by root, it runs the kernel
    under the slot's uid (with that uid's own process limit); by anyone else, as that user."""
    root = os.geteuid() == 0
    if root and not sandbox.others_can_run_python():
        pytest.skip(f"the slot uid cannot run this Python ({sandbox.folder_closed_to_others()} is closed to others)")
    workdir = Path(tempfile.mkdtemp()) if root else tmp_path  # pytest's own folders are closed to other users
    try:
        if root:
            os.chmod(workdir, 0o711)
            os.chown(workdir, 100_032, 100_032)
        before = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        chosen = options(workdir=str(workdir))
        out, code = child_output(
            lambda: main(["--options", chosen.to_json(), "--", sys.executable, "-S", "-c", REPORT])
        )
    finally:
        if root:
            shutil.rmtree(workdir, ignore_errors=True)
    assert code == 0, out
    seen = json.loads(out.splitlines()[-1])
    assert seen["cwd"] == str(workdir) and seen["leader"]
    assert seen["uids"] == ([100_032] * 3 if root else [os.getuid()] * 3)
    assert seen["limits"] == {
        "RLIMIT_AS": SMALL.memory_mb * MB,
        "RLIMIT_FSIZE": SMALL.max_file_mb * MB,
        "RLIMIT_NOFILE": SMALL.max_open_files,
        "RLIMIT_CORE": 0,
        "RLIMIT_CPU": SMALL.cpu_seconds,
        # a uid of its own gets its process limit; the grader's own uid's is never touched
        "RLIMIT_NPROC": SMALL.max_processes if root else before,
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root grader could start a kernel as root")
def test_the_launcher_never_runs_a_kernel_as_root_when_the_slot_uid_cannot_run_python():
    """Where the slot's uid cannot run this Python (a pyenv under /root), the launcher refuses and
    says why; it does not exec the kernel as root, with or without capabilities."""

    def body():
        sandbox.folder_closed_to_others.cache_clear()
        sandbox.folder_closed_to_others = lambda: Path("/root")
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - the launcher's own standard error, not pytest's capture
        sys.exit(main(["--options", options().to_json(), "--", sys.executable, "-S", "-c", "print('ran')"]))

    out, code = child_output(body)
    assert code == 70 and "ran" not in out.split("\n")
    assert "never runs as root" in out and "/root is closed to other users" in out


def test_the_last_check_refuses_uid_0_and_passes_any_other():
    """`_never_root` runs in every sandboxed process just before the kernel or the verdict runner."""

    def body():
        if os.geteuid() == 0:
            try:
                sandbox._never_root()
            except PermissionError as exc:
                refused = str(exc)
            else:
                return "uid 0 passed"
            os.setgid(100_032)
            os.setuid(100_032)
        sandbox._never_root()
        return refused if os.getuid() == 100_032 else "passed"

    seen = in_child(body)
    assert seen == ("refusing to run a grading kernel as root (uid 0)" if os.geteuid() == 0 else "passed")


def test_a_root_grader_without_namespaces_refuses_with_one_paragraph_when_the_slot_uid_cannot_run_python(
    monkeypatch,
):
    """require_kernel_uid raises a CourseError (exit code 2) that says why and what to do."""
    from course.errors import CourseError, KernelUidError

    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "full_isolation_available", lambda: False)
    monkeypatch.setattr(sandbox, "folder_closed_to_others", lambda: Path("/root"))
    with pytest.raises(KernelUidError) as raised:
        sandbox.require_kernel_uid()
    text = str(raised.value)
    assert isinstance(raised.value, CourseError) and raised.value.exit_code == 2
    assert "\n" not in text and "/root is closed to other users" in text
    for advice in ("namespaces", "where other users can read them", "ordinary user", "--insecure"):
        assert advice in text
    monkeypatch.setattr(sandbox, "folder_closed_to_others", lambda: None)
    sandbox.require_kernel_uid()  # a slot uid can run Python: no refusal
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(sandbox, "folder_closed_to_others", lambda: Path("/root"))
    sandbox.require_kernel_uid()  # not root: kernels run as this user, never as root


def getrlimits() -> dict[str, int]:
    names = ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_NPROC")
    return {n: list(resource.getrlimit(getattr(resource, n))) for n in names}


def test_limit_sets_soft_and_hard_limits_and_spares_the_process_limit_of_a_shared_uid():
    before = resource.getrlimit(resource.RLIMIT_NPROC)

    def body():
        _limit(options(), own_uid=False)
        return getrlimits()

    seen = in_child(body)
    assert seen["RLIMIT_AS"] == [SMALL.memory_mb * MB] * 2
    assert seen["RLIMIT_FSIZE"] == [SMALL.max_file_mb * MB] * 2
    assert seen["RLIMIT_NOFILE"] == [SMALL.max_open_files] * 2
    assert seen["RLIMIT_CORE"] == [0, 0]
    assert seen["RLIMIT_CPU"] == [SMALL.cpu_seconds] * 2
    assert seen["RLIMIT_NPROC"] == list(before)


def test_limit_sets_the_process_limit_for_a_uid_of_its_own():
    def body():
        _limit(options(), own_uid=True)
        return getrlimits()

    assert in_child(body)["RLIMIT_NPROC"] == [SMALL.max_processes] * 2


def _refusing(kind_refused):
    """resource.setrlimit that refuses one kind, as a system refuses a limit it does not allow."""
    real = resource.setrlimit

    def setrlimit(kind, values):
        if kind == kind_refused:
            raise OSError(1, "Operation not permitted")
        real(kind, values)

    return setrlimit


def test_a_stricter_limit_already_in_place_is_kept():
    """No limit is ever raised: a hard limit below the course's stays (and setrlimit cannot fail on it)."""

    def body():
        resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))
        _limit(options(limits=Limits(max_open_files=2**31 - 1, submission_timeout=20)), own_uid=False)
        return getrlimits()

    assert in_child(body)["RLIMIT_NOFILE"] == [16, 16]


@pytest.mark.parametrize("namespaces", [True, False])
def test_on_linux_a_refused_limit_stops_the_kernel(namespaces, monkeypatch):
    """Fail closed, with or without namespaces: a kernel never runs without a limit it should have."""
    monkeypatch.setattr(sandbox.resource, "setrlimit", _refusing(resource.RLIMIT_FSIZE))
    monkeypatch.setattr(sandbox.sys, "platform", "linux")

    def body():
        try:
            _limit(options(namespaces=namespaces), own_uid=False)
        except (ValueError, OSError) as exc:
            return type(exc).__name__
        return "no error"

    assert in_child(body) == "PermissionError"  # OSError(EPERM)


def test_elsewhere_a_refused_limit_is_skipped_and_the_rest_applied(monkeypatch):
    """macOS refuses some limits: a learner's `course check` there keeps the others."""
    monkeypatch.setattr(sandbox.resource, "setrlimit", _refusing(resource.RLIMIT_FSIZE))
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    before = resource.getrlimit(resource.RLIMIT_FSIZE)

    def body():
        _limit(options(), own_uid=False)
        return getrlimits()

    seen = in_child(body)
    assert seen["RLIMIT_FSIZE"] == list(before)
    assert seen["RLIMIT_CPU"] == [SMALL.cpu_seconds] * 2  # set after the refused one


def test_a_kernel_whose_seccomp_filter_fails_does_not_start(monkeypatch, tmp_path):
    """Landlock without its seccomp companion would leave memfd and Unix sockets open: fail closed."""
    from course.autograder import landlock

    monkeypatch.setattr(landlock, "restrict", lambda *args, **kwargs: None)
    monkeypatch.setattr(landlock, "install_seccomp", lambda: False)
    with pytest.raises(landlock.LandlockError, match="seccomp"):
        landlock.restrict_kernel(options(workdir=str(tmp_path)))
