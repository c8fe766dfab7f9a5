"""A control group per grading kernel: one memory and process limit for everything it starts.

Why: RLIMIT_AS limits the address space of ONE process. A submission gets past it by forking
(every child has its own 2 GiB), or by memory that is not address space at all: memfd_create and
tmpfs files (/dev/shm, a tmpfs /tmp) are page cache, charged to no rlimit. A memory cgroup counts
all of it (anonymous memory, shmem/tmpfs, page cache, kernel memory) for the kernel and all its
descendants together, and when the sum reaches the limit the kernel's OOM killer stops a process
*of that group*, never the grader. memory.events (v2) / memory.oom_control (v1) then say
"oom_kill N", so the grader can name the cause: "the kernel used more than 2048 MB and was stopped".
The pids controller does the same for processes, without needing a uid of the kernel's own.

Where it works:
- cgroup v2 (unified hierarchy: current distributions, Kubernetes nodes with cgroup v2): needs a
  cgroup we may write and in which the memory and pids controllers can be enabled for children.
  That is a *delegated* cgroup: `systemd-run --scope -p Delegate=yes course grade ...`, a systemd
  unit with Delegate=yes, or a container whose main process is the grader and whose cgroup
  namespace root is writable (a grading pod with a writable /sys/fs/cgroup, see
  docs/deploy-z2jh.md). COURSE_GRADING_CGROUP names it explicitly; otherwise the grader's own
  cgroup is used when it holds no other process (the "no internal processes" rule).
- cgroup v1 (older hosts, this project's CI VM): the memory and pids hierarchies, where the
  grader may create a child of its own cgroup (root).
- nowhere else: an ordinary JupyterHub user pod mounts /sys/fs/cgroup read-only. Then the
  kernel keeps RLIMIT_AS (per process), the pod's own memory limit bounds the total, and each
  kernel raises its oom_score_adj to 1000 so that the OOM killer picks a kernel, not the grader.

Protocol: the grader creates the group (`KernelCgroup.create`) before it asks for the kernel;
the zygote's child (or the launcher) joins it as its very first step (`join`), so the kernel and
everything it forks inherit it; after the kernel, the grader reads whether the OOM killer struck,
kills what is left (`kill_all`: exact, even for processes that left the kernel's session) and
removes the group.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course import settings

V2_ROOT = Path("/sys/fs/cgroup")
V1_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Hierarchy:
    version: int  # 1 or 2
    memory: Path  # the parent under which kernel groups are made (v2: also for pids)
    pids: Path | None  # v1 only


def _own_cgroup_v2() -> Path | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                return V2_ROOT / line[3:].lstrip("/")
    except OSError:
        pass
    return None


def _own_cgroup_v1(controller: str) -> Path | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                for mount in (V1_ROOT / controller, V1_ROOT / ",".join(sorted(controllers.split(",")))):
                    if (mount / "cgroup.procs").exists():
                        return mount / path.lstrip("/")
    except (OSError, ValueError):
        pass
    return None


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def _try_v2() -> Hierarchy | None:
    if not (V2_ROOT / "cgroup.controllers").exists():
        return None
    explicit = settings.CGROUP.get()
    base = Path(explicit) if explicit else _own_cgroup_v2()
    if base is None or not _writable_dir(base):
        return None
    try:
        available = (base / "cgroup.controllers").read_text().split()
        if not {"memory", "pids"} <= set(available):
            return None
        enabled = (base / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(enabled):
            procs = [p for p in (base / "cgroup.procs").read_text().split() if p]
            if procs and not explicit:
                # processes in the cgroup: controllers cannot be enabled for its children unless
                # they all move to a leaf. Only when the grader is alone in it (a container's main
                # process, a systemd scope of its own).
                if procs != [str(os.getpid())]:
                    return None
                leaf = base / "grader"
                leaf.mkdir(exist_ok=True)
                (leaf / "cgroup.procs").write_text(str(os.getpid()))
            (base / "cgroup.subtree_control").write_text("+memory +pids")
        return Hierarchy(2, base, None)
    except OSError:
        return None


def _try_v1() -> Hierarchy | None:
    memory, pids = _own_cgroup_v1("memory"), _own_cgroup_v1("pids")
    if memory is None or not _writable_dir(memory):
        return None
    if pids is not None and not _writable_dir(pids):
        pids = None
    return Hierarchy(1, memory, pids)


@lru_cache(maxsize=1)
def hierarchy() -> Hierarchy | None:
    """Where this process can make kernel groups, or None (then: rlimits only). Probed once."""
    found = _try_v2() or _try_v1()
    if found is None:
        return None
    try:  # prove it: make and remove a group
        probe = KernelCgroup.create(found, "probe", 64 << 20, 16)
        probe.remove()
    except OSError:
        return None
    return found


def describe() -> str:
    found = hierarchy()
    if found is None:
        return "no cgroup: address space per process, the kernel's process tree watched by the grader"
    return f"cgroup v{found.version} at {found.memory}"


@dataclass
class KernelCgroup:
    """The group of one kernel: `paths` are the directories a process writes its pid into."""

    version: int
    paths: tuple[str, ...]
    memory_limit: int

    @classmethod
    def create(cls, where: Hierarchy, label: str, memory_bytes: int, max_pids: int) -> KernelCgroup:
        name = f"course-kernel-{label}-{secrets.token_hex(4)}"
        if where.version == 2:
            group = where.memory / name
            group.mkdir()
            (group / "memory.max").write_text(str(memory_bytes))
            (group / "memory.swap.max").write_text("0") if (group / "memory.swap.max").exists() else None
            (group / "memory.oom.group").write_text("1")  # an OOM kill ends the whole kernel, not one thread's victim
            (group / "pids.max").write_text(str(max_pids))
            return cls(2, (str(group),), memory_bytes)
        paths = []
        group = where.memory / name
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(memory_bytes))
        try:  # without swap accounting this file is absent
            (group / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
        except OSError:
            pass
        paths.append(str(group))
        if where.pids is not None:
            pids = where.pids / name
            pids.mkdir()
            (pids / "pids.max").write_text(str(max_pids))
            paths.append(str(pids))
        return cls(1, tuple(paths), memory_bytes)

    # --- in the kernel's process, before anything else ----------------------------------------

    def join(self) -> None:
        """Move the calling process into the group (its children follow it)."""
        for path in self.paths:
            with open(os.path.join(path, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))

    # --- in the grader, after the kernel ---------------------------------------------------------

    def oom_kills(self) -> int:
        """How many processes the OOM killer stopped in this group because of its limit."""
        memory = Path(self.paths[0])
        try:
            if self.version == 2:
                text = (memory / "memory.events").read_text()
            else:
                text = (memory / "memory.oom_control").read_text()
            fields = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
            return int(fields.get("oom_kill", 0))
        except (OSError, ValueError):
            return 0

    def peak_bytes(self) -> int | None:
        memory = Path(self.paths[0])
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            try:
                return int((memory / name).read_text())
            except (OSError, ValueError):
                continue
        return None

    def pids(self) -> list[int]:
        found: set[int] = set()
        for path in self.paths:
            try:
                found |= {int(p) for p in Path(path, "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return sorted(found)

    def kill_all(self, wait: float = 5.0) -> None:
        """End every process in the group, however it detached itself (new session, double fork)."""
        if self.version == 2 and Path(self.paths[0], "cgroup.kill").exists():
            try:
                Path(self.paths[0], "cgroup.kill").write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            left = self.pids()
            if not left:
                return
            for pid in left:  # v1, or a v2 kernel without cgroup.kill (before 5.14)
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        for path in self.paths:
            for _ in range(100):
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError:  # processes still exiting
                    time.sleep(0.01)


def limit_message(memory_mb: int) -> str:
    return (
        f"the kernel used more than {memory_mb} MB of memory (with everything it started) and was stopped; "
        "later cells did not run"
    )


def raise_oom_score() -> None:
    """Without a cgroup: make this process (a kernel) the OOM killer's first choice, so memory
    exhaustion ends student code, not the grader. Any process may raise its own score."""
    try:
        with open("/proc/self/oom_score_adj", "w") as file:
            file.write("1000")
    except OSError:
        pass


class TreeWatch:
    """Without a cgroup: the kernel's processes found by ancestry and session, their memory
    summed (private and shared-memory pages), checked by the grader five times a second. It can
    overshoot by what the kernel allocates in 0.2 s, and a process that leaves both the kernel's
    session and its family (setsid, then its parent exits) is no longer counted: it stays under
    RLIMIT_AS, cannot reach other processes (Landlock) and is ended with the batch. A cgroup is
    the exact limit; this keeps the common cases (multiprocessing, a fork loop) within bounds."""

    def __init__(self, kernel_pid: int, memory_bytes: int, max_processes: int = 256) -> None:
        self.kernel, self.limit_kb, self.max_processes = kernel_pid, memory_bytes // 1024, max_processes
        self.exceeded = False
        self.too_many = False

    def members(self) -> list[int]:
        children: dict[int, list[int]] = {}
        session: list[int] = []
        try:
            kernel_session = os.getsid(self.kernel)
        except OSError:
            kernel_session = -1
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            if int(fields[3]) == kernel_session:
                session.append(pid)
        found, todo = set(session), [self.kernel]
        while todo:
            pid = todo.pop()
            if pid not in found or pid == self.kernel:
                found.add(pid)
                todo += children.get(pid, [])
        return sorted(found)

    def usage_kb(self, members: list[int] | None = None) -> int:
        total = 0
        for pid in self.members() if members is None else members:
            # proportional set size: a page a forked child still shares with its parent (or with
            # the zygote) is split between them, not counted once per process
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
                keys = ("Pss_Anon:", "Pss_Shmem:")
            except OSError:
                try:
                    text = Path(f"/proc/{pid}/status").read_text()
                    keys = ("RssAnon:", "RssShmem:")
                except OSError:
                    continue
            for key in keys:
                if key in text:
                    total += int(text.split(key)[1].split()[0])
        return total

    def check(self) -> bool:
        """True (and every member killed) when the kernel's processes use more than the memory
        limit, or are more than the process limit (threads are not counted here)."""
        members = self.members()
        if len(members) > self.max_processes:
            self.too_many = True
        elif self.usage_kb(members) > self.limit_kb:
            self.exceeded = True
        else:
            return False
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return True
