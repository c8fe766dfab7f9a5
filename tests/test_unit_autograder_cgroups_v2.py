"""The cgroup v2 protocol of course.autograder.cgroups, on a stand-in of /sys/fs/cgroup.

This machine's CI mounts cgroup v1 for memory and pids (v2 holds only hugetlb), so the real
kernels are limited through v1 there (tests/test_limits.py). What is tested here is everything
the grader itself does on a v2 host (a current distribution, a Kubernetes node with a delegated
cgroup): which group it takes, what it writes to make a kernel's group, and how it reads an OOM
kill back. What the Linux kernel then enforces is the kernel's part, not this module's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course.autograder import cgroups


def fake_v2(tmp_path: Path, *, controllers: str = "cpu memory pids", procs: str = "", subtree: str = "") -> Path:
    """A unified hierarchy with one delegated group, as far as the grader reads and writes it."""
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text(controllers + "\n")
    base = root / "grading"
    base.mkdir()
    (base / "cgroup.controllers").write_text(controllers + "\n")
    (base / "cgroup.subtree_control").write_text(subtree + "\n")
    (base / "cgroup.procs").write_text(procs)
    return base


@pytest.fixture
def on_v2(tmp_path, monkeypatch):
    def make(**kwargs) -> Path:
        base = fake_v2(tmp_path, **kwargs)
        monkeypatch.setattr(cgroups, "V2_ROOT", base.parent)
        monkeypatch.setattr(cgroups, "_own_cgroup_v2", lambda: base)
        return base

    yield make
    monkeypatch.undo()


def test_a_delegated_group_gets_the_memory_and_pids_controllers_for_its_children(on_v2):
    base = on_v2()
    found = cgroups._try_v2()
    assert found == cgroups.Hierarchy(2, base, None)
    assert (base / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_a_group_without_the_memory_controller_is_not_used(on_v2):
    on_v2(controllers="cpu pids")
    assert cgroups._try_v2() is None


def test_the_grader_alone_in_its_group_moves_to_a_leaf_first(on_v2):
    # the "no internal processes" rule: controllers can be enabled for children only when the
    # group itself holds no process, so the grader moves into grading/grader
    base = on_v2(procs=f"{os.getpid()}\n")
    assert cgroups._try_v2() is not None
    assert (base / "grader" / "cgroup.procs").read_text() == str(os.getpid())
    assert (base / "cgroup.subtree_control").read_text() == "+memory +pids"


def test_a_group_shared_with_other_processes_is_left_alone(on_v2):
    base = on_v2(procs=f"{os.getpid()}\n1\n")
    assert cgroups._try_v2() is None
    assert (base / "cgroup.subtree_control").read_text().strip() == ""
    assert not (base / "grader").exists()


def test_an_explicit_group_is_used_as_given(on_v2, monkeypatch):
    base = on_v2(procs="1\n")
    monkeypatch.setenv("COURSE_GRADING_CGROUP", str(base))
    assert cgroups._try_v2() == cgroups.Hierarchy(2, base, None)


def test_a_kernel_group_limits_memory_without_swap_and_processes_and_is_killed_whole(on_v2):
    base = on_v2()
    where = cgroups._try_v2()
    group = cgroups.KernelCgroup.create(where, "4600000", 2048 << 20, 64)
    folder = Path(group.paths[0])
    assert folder.parent == base and folder.name.startswith("course-kernel-4600000-")
    assert (folder / "memory.max").read_text() == str(2048 << 20)
    assert (folder / "memory.oom.group").read_text() == "1"  # one OOM kill ends the whole kernel
    assert (folder / "pids.max").read_text() == "64"
    assert group.version == 2 and group.memory_limit == 2048 << 20


def test_an_oom_kill_is_read_back_from_memory_events(on_v2):
    on_v2()
    where = cgroups._try_v2()
    group = cgroups.KernelCgroup.create(where, "k", 64 << 20, 16)
    folder = Path(group.paths[0])
    (folder / "memory.events").write_text("low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n")
    assert group.oom_kills() == 0
    (folder / "memory.events").write_text("low 0\nhigh 0\nmax 40\noom 2\noom_kill 1\noom_group_kill 1\n")
    assert group.oom_kills() == 1
    (folder / "memory.peak").write_text(str(70 << 20))
    assert group.peak_bytes() == 70 << 20


def test_the_kernel_joins_its_group_and_the_grader_kills_it_with_cgroup_kill(on_v2, monkeypatch):
    on_v2()
    where = cgroups._try_v2()
    group = cgroups.KernelCgroup.create(where, "k", 64 << 20, 16)
    folder = Path(group.paths[0])
    group.join()
    assert (folder / "cgroup.procs").read_text() == str(os.getpid())
    assert group.pids() == [os.getpid()]
    (folder / "cgroup.kill").write_text("0")
    killed = []
    monkeypatch.setattr(cgroups.os, "kill", lambda pid, sig: killed.append(pid))

    written = []
    real_write_text = Path.write_text

    def write_text(self, text, *args, **kwargs):
        if self.name == "cgroup.kill":  # the kernel ends every process of the group at once
            written.append(text)
            (folder / "cgroup.procs").write_text("")
        return real_write_text(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    group.kill_all(wait=1)
    assert written == ["1"]
    assert killed == []  # no process was signalled one by one


def test_without_cgroup_kill_each_process_is_signalled(on_v2, monkeypatch):
    on_v2()
    where = cgroups._try_v2()
    group = cgroups.KernelCgroup.create(where, "k", 64 << 20, 16)
    folder = Path(group.paths[0])
    (folder / "cgroup.procs").write_text("4242\n4243\n")
    killed = []

    def kill(pid, sig):
        killed.append((pid, sig))
        (folder / "cgroup.procs").write_text("")

    monkeypatch.setattr(cgroups.os, "kill", kill)
    group.kill_all(wait=1)
    assert killed and killed[0] == (4242, cgroups.signal.SIGKILL)
