"""course.autograder.leftovers: ending what a kernel left running, by session or by the batch's
marker, and telling a live process from an ended one. Uses `sleep` processes, no kernel."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess

import pytest

from course.autograder.leftovers import end_processes, has_ended, state_and_session
from course.autograder.sandbox import MARKER
from tests.unit_fixtures import in_child, wait_until


@pytest.fixture
def sleepers():
    """Start `sleep 60` processes (keyword arguments go to Popen); all are ended afterwards."""
    started: list[subprocess.Popen] = []

    def start(**options) -> subprocess.Popen:
        process = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL, **options)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def killed(process: subprocess.Popen) -> bool:
    try:
        return process.wait(5) == -signal.SIGKILL
    except subprocess.TimeoutExpired:
        return False


def test_ending_a_session_ends_its_processes_and_spares_others(sleepers):
    leftover = sleepers(start_new_session=True)
    bystander = sleepers(start_new_session=True)
    assert end_processes(session=leftover.pid) == 1
    assert killed(leftover)
    assert bystander.poll() is None


def test_ending_by_marker_ends_the_processes_that_carry_it_and_spares_the_rest(sleepers):
    marker = secrets.token_hex(8)
    environment = {k: v for k, v in os.environ.items() if k != MARKER}
    marked = sleepers(env=environment | {MARKER: marker}, start_new_session=True)
    other_batch = sleepers(env=environment | {MARKER: secrets.token_hex(8)})
    unmarked = sleepers(env=environment)
    assert end_processes(marker=marker) == 1
    assert killed(marked)
    assert other_batch.poll() is None and unmarked.poll() is None


def test_spared_processes_are_not_ended(sleepers):
    marker = secrets.token_hex(8)
    spared = sleepers(env=os.environ | {MARKER: marker})
    assert end_processes(marker=marker, spare=frozenset({spared.pid})) == 0
    assert spared.poll() is None


def test_ending_a_uid_spares_other_users_processes(sleepers):
    """2_100_000_000 is above every uid the grader gives a sandbox, so no grading batch running on
    this machine at the same time can own it."""
    mine = sleepers()
    assert end_processes(uid=2_100_000_000) == 0
    assert mine.poll() is None


def test_the_calling_process_is_never_signalled():
    """A child leads a session with a `sleep` in it, then ends its own session: the sleep ends,
    the caller carries on (it reports back; a killed child could not)."""

    def body():
        os.setsid()
        sleeper = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
        ended = end_processes(session=os.getsid(0))
        return {"ended": ended, "sleep": sleeper.wait(5)}

    assert in_child(body) == {"ended": 1, "sleep": -signal.SIGKILL}


def test_a_live_process_runs_in_its_own_session(sleepers):
    process = sleepers(start_new_session=True)
    state, session = state_and_session(process.pid)
    assert state not in ("zombie", "dead", "gone") and session == process.pid
    assert not has_ended(process.pid)


def test_a_zombie_has_ended(sleepers):
    process = sleepers()
    process.send_signal(signal.SIGKILL)  # not yet collected by its parent (this test)
    assert wait_until(lambda: state_and_session(process.pid)[0] == "zombie")
    assert has_ended(process.pid)


def test_a_collected_process_is_gone(sleepers):
    process = sleepers()
    process.kill()
    process.wait()
    assert state_and_session(process.pid) == ("gone", -1)
    assert has_ended(process.pid)
