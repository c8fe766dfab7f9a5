"""course.autograder.kernel, without starting a kernel: when kernels are forked by the zygote, and
the kernel manager built for each case (command, transport, sandbox options, environment).
Starting kernels is covered by the slow tests (tests/test_zygote.py, tests/test_adversarial.py)."""

from __future__ import annotations

import asyncio
import os
import sys

import psutil
import pytest

from course import settings
from course.autograder import kernel
from course.autograder.limits import Limits
from course.autograder.sandbox import MARKER, SandboxOptions
from course.autograder.zygote import batch_marker

LIMITS = Limits(memory_mb=777)
LAUNCHER = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]


@pytest.fixture
def build(tmp_path, monkeypatch):
    """kernel_manager(...) for a sandbox in tmp_path, forked or not, with or without namespaces
    (the probe for them is replaced: it would start a process)."""

    def make(forked: bool, isolation: bool):
        if forked:
            monkeypatch.delenv(settings.NO_ZYGOTE.name, raising=False)
        else:
            monkeypatch.setenv(settings.NO_ZYGOTE.name, "1")
        monkeypatch.setattr(kernel, "full_isolation_available", lambda: isolation)
        return kernel.kernel_manager(tmp_path, 100_033, [tmp_path / "hidden"], [tmp_path / "kept"], LIMITS)

    return make


def test_the_zygote_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(settings.NO_ZYGOTE.name, "1")
    assert not kernel.zygote_supported()


@pytest.mark.skipif(sys.platform != "linux" or not hasattr(os, "pidfd_open"), reason="the zygote needs Linux pidfds")
@pytest.mark.parametrize("value", [None, "", "0", "yes"])
def test_only_1_turns_the_zygote_off(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(settings.NO_ZYGOTE.name, raising=False)
    else:
        monkeypatch.setenv(settings.NO_ZYGOTE.name, value)
    assert kernel.zygote_supported()


def test_a_forked_kernel_under_full_isolation_talks_over_unix_sockets_in_its_folder(build, tmp_path):
    km = build(forked=True, isolation=True)
    assert km.kernel_spec.argv == LAUNCHER  # the zygote runs the launcher's code itself
    assert km.transport == "ipc" and km.ip == str(tmp_path / ".kernel")
    assert km.connection_file == str(tmp_path / ".kernel.json")
    assert isinstance(km.provisioner, kernel._ZygoteProvisioner)
    assert km.provisioner.sandbox == SandboxOptions(
        workdir=str(tmp_path),
        uid=100_033,
        namespaces=True,
        hide=(str(tmp_path / "hidden"),),
        keep=(str(tmp_path / "kept"),),
        limits=LIMITS,
    )


def test_a_forked_kernel_without_isolation_uses_local_tcp_and_no_namespaces(build):
    km = build(forked=True, isolation=False)
    assert km.kernel_spec.argv == LAUNCHER
    assert (km.transport, km.ip) == ("tcp", "127.0.0.1")
    assert km.provisioner.sandbox.namespaces is False


def test_without_the_zygote_the_kernel_is_started_through_the_sandbox_launcher(build, tmp_path):
    """Even where namespaces are available: only the zygote's children can build them."""
    km = build(forked=False, isolation=True)
    argv = km.kernel_spec.argv
    assert argv[:3] == [sys.executable, "-m", "course.autograder.sandbox"] and argv[3] == "--options"
    assert argv[5] == "--" and argv[6:] == LAUNCHER
    options = SandboxOptions.from_json(argv[4])
    assert options.namespaces is False and options.workdir == str(tmp_path) and options.limits == LIMITS
    assert (km.transport, km.ip) == ("tcp", "127.0.0.1")
    assert isinstance(km.provisioner, kernel._PlainProvisioner)


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "started"])
def test_the_kernel_gets_the_clean_environment_and_the_batch_marker(build, monkeypatch, tmp_path, forked):
    monkeypatch.setenv("COURSE_GRADER_SECRET", "the gradebook's password")
    environment = build(forked=forked, isolation=False).provisioner.kernel_env
    assert "COURSE_GRADER_SECRET" not in environment
    assert environment[MARKER] == batch_marker() and environment["HOME"] == str(tmp_path)


def test_a_started_kernel_is_launched_with_the_clean_environment_alone(build, monkeypatch, tmp_path):
    """jupyter_client hands the launch the grader's whole environment; the provisioner replaces it.
    pre_launch writes the connection file and builds the command, and starts nothing."""
    monkeypatch.setenv("COURSE_GRADER_SECRET", "the gradebook's password")
    km = build(forked=False, isolation=False)
    launch = asyncio.run(km.provisioner.pre_launch(env=dict(os.environ)))
    assert launch["env"] == km.provisioner.kernel_env
    assert launch["cmd"][-2:] == ["-f", str(tmp_path / ".kernel.json")]
    assert (tmp_path / ".kernel.json").is_file()


def test_building_a_manager_starts_nothing(build):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    managers = [build(forked=True, isolation=False), build(forked=False, isolation=False)]
    assert not any(km.has_kernel for km in managers)
    assert {p.pid for p in psutil.Process().children(recursive=True)} == before


def test_each_manager_has_its_own_kernel_id(build):
    assert build(forked=True, isolation=False).kernel_id != build(forked=True, isolation=False).kernel_id
