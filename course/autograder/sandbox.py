"""Put a freshly forked grading kernel into a sandbox.

Called in a child of the zygote (course.autograder.zygote), which forks one per submission. With
root privileges and a kernel that allows namespaces (a CI machine, a JupyterHub grading
container), the kernel runs in new network, mount and PID namespaces:

- no network at all (a new network namespace has only a loopback that is down; the kernel talks
  to the grader over Unix sockets in its scratch folder);
- the filesystem is the machine's, read-only where it matters, with the course root, the
  grading scratch root, /home, /root and /tmp replaced by empty folders, except the paths the
  kernel needs (the Python installation, the course package, the data, and its own scratch
  folder, which is the only writable place);
- a PID namespace, so the kernel sees no other process and, when it ends, every process it
  started ends with it;
- an unprivileged uid of its own, so limits on processes apply to it alone.

The process tree is: the zygote's child ("keeper", outside the namespaces, the process the
grader watches and kills) -> the namespace's init (pid 1, dies with the keeper) -> the kernel.

Without namespaces (not root, a container without SYS_ADMIN, COURSE_GRADING_ISOLATION=limits)
it falls back to resource limits, a new session, an environment marker by which the grader can
find and end leftover processes, and Landlock with seccomp where the Linux kernel has them
(course.autograder.landlock). Where the zygote cannot run at all (not Linux), `python -m
course.autograder.sandbox` is the kernel's launcher instead: limits, a new session, then exec.

A kernel (or the verdict runner) never runs as uid 0. Root without capabilities is still root:
it may signal every root-owned process and open every root-owned file its owner may. So a root
grader runs kernels under a slot uid in every mode; without namespaces that uid must be able to
run this Python, and where it cannot (a pyenv under /root), grading refuses to start with the
reason (`require_kernel_uid`, a CourseError) instead of falling back to root. `_never_root` is
the last check in every sandboxed process before the kernel starts.

Resource limits apply in both modes: address space, processes, file size, open files, CPU
time, no core dumps.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

from course import settings
from course.autograder.limits import Limits

MARKER = settings.SANDBOX_MARKER.name
KERNEL_LOG = ".kernel-log"  # in the scratch folder: the sandbox's and the kernel's own error output

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class SandboxOptions:
    workdir: str
    uid: int
    namespaces: (
        bool  # full isolation; decided by the grader (full_isolation_available), which picks the transport to match
    )
    hide: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    cgroup: tuple[str, ...] = ()  # the kernel's group directories (course.autograder.cgroups); () without cgroups
    landlock: bool = False  # restrict the kernel's file access with Landlock (course.autograder.landlock)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SandboxOptions:
        values = json.loads(text)
        return cls(
            **{
                **values,
                "hide": tuple(values.get("hide", ())),
                "keep": tuple(values.get("keep", ())),
                "cgroup": tuple(values.get("cgroup", ())),
                "limits": Limits.from_dict(values.get("limits", {})),
            }
        )


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


_PROBE = (
    "import ctypes, ctypes.util, sys\n"
    "libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)\n"
    f"sys.exit(0 if libc.unshare({CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID}) == 0 else 1)\n"
)


@lru_cache(maxsize=1)
def full_isolation_available() -> bool:
    """Root, and a kernel (and container runtime) that lets us create the namespaces.

    Probed in a throw-away process, because being root is not enough: an unprivileged Docker
    container is root without CAP_SYS_ADMIN. COURSE_GRADING_ISOLATION=limits turns namespaces
    off (to compare, or where the machine's policy forbids them)."""
    if os.geteuid() != 0 or settings.ISOLATION.get() == "limits":
        return False
    probe = subprocess.run(
        [sys.executable, "-S", "-c", _PROBE],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    return probe.returncode == 0


def _limit(options: SandboxOptions, own_uid: bool = True) -> None:
    """Resource limits. The process limit counts every process of the uid, so it is set only
    when the kernel runs under a uid of its own (never on a learner's laptop account). Without
    namespaces they are best effort on macOS, which refuses some of them; on Linux a limit that
    cannot be set stops the kernel."""
    mb, given = 1024 * 1024, options.limits
    limits = [
        (resource.RLIMIT_AS, given.memory_mb * mb),
        (resource.RLIMIT_FSIZE, given.max_file_mb * mb),
        (resource.RLIMIT_NOFILE, given.max_open_files),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, given.cpu_seconds),
    ]
    if own_uid:
        limits.append((resource.RLIMIT_NPROC, given.max_processes))
    for kind, value in limits:
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # never above a stricter limit
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            # on Linux a limit that cannot be set stops the kernel (fail closed); elsewhere (macOS
            # refuses some of them, for a learner's own `course check`) the others still hold
            if options.namespaces or sys.platform.startswith("linux"):
                raise


def _mount(source: str | None, target: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    """mount(2) directly: a `mount` process per call would cost more than the kernel's start-up."""
    encode = lambda v: v.encode() if v is not None else None
    _check(
        _libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
        f"mount {source} on {target}",
    )


def _build_filesystem(options: SandboxOptions) -> None:
    """Inside the new mount namespace: hide folders, then re-expose what the kernel needs."""
    _mount(None, "/", flags=MS_REC | MS_PRIVATE)
    workdir = Path(options.workdir).resolve()
    keeps = {Path(k).resolve() for k in options.keep if Path(k).exists()}
    keeps = [k for k in keeps if not any(other in k.parents for other in keeps)]  # a kept folder shows its subfolders
    handles = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in [*keeps, workdir]}
    hidden = {Path(h).resolve() for h in options.hide if Path(h).is_dir()}
    outermost = [h for h in hidden if not any(other in h.parents for other in hidden)]  # /tmp covers /tmp/x
    for folder in outermost:
        _mount("tmpfs", str(folder), "tmpfs", data="mode=0755,size=16m")
    for path, fd in handles.items():
        path.mkdir(parents=True, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", str(path), flags=MS_BIND)
        if path != workdir:
            _mount(None, str(path), flags=MS_REMOUNT | MS_BIND | MS_RDONLY)
        os.close(fd)
    # Everything else stays visible but read-only to the kernel's uid; world-writable places such
    # as /var/tmp or /dev/shm could otherwise pass notes between kernels, so they are emptied.
    for shared in ("/var/tmp", "/dev/shm", "/run/lock"):
        if Path(shared).is_dir():
            _mount("tmpfs", shared, "tmpfs", data="mode=0755,size=1m")


@lru_cache(maxsize=1)
def folder_closed_to_others() -> Path | None:
    """The first folder above this Python installation or the course package that other users
    cannot enter (a pyenv under /root, mode 0700, for one), or None when a uid other than the
    grader's can run this Python and import the course."""
    import stat

    for top in (Path(sys.prefix), Path(sys.base_prefix), Path(__file__).resolve().parents[2]):
        for folder in reversed([top, *top.parents]):
            try:
                if not folder.stat().st_mode & stat.S_IXOTH:
                    return folder
            except OSError:
                return folder
    return None


def others_can_run_python() -> bool:
    return folder_closed_to_others() is None


def root_without_slot_uid() -> str | None:
    """Why a root grader cannot run kernels here, or None when it can.

    A kernel never runs as uid 0: root without capabilities can still signal every root-owned
    process (the kill permission goes by uid) and read and write every root-owned file its mode
    lets the owner touch. Without namespaces, a root grader therefore runs kernels under a slot
    uid of their own, which must be able to run this Python; when it cannot, grading stops here
    with this explanation instead of falling back to root."""
    if os.geteuid() != 0 or full_isolation_available():
        return None
    closed = folder_closed_to_others()
    return None if closed is None else _uid_refusal(closed)


def _uid_refusal(closed: Path) -> str:
    return (
        "grading is running as root without namespaces (COURSE_GRADING_ISOLATION=limits, or this machine "
        "does not allow them), so every grading kernel must run under an unprivileged uid of its own, never as "
        f"root; but that uid cannot run this Python, because {closed} is closed to other users (this Python is "
        f"{sys.prefix}). Grade with namespaces (root on a kernel that allows them: unset "
        "COURSE_GRADING_ISOLATION, or give the container SYS_ADMIN), or install Python and the course where "
        f"other users can read them (under /opt or /usr/local, or `chmod o+x` on {closed} if that is acceptable), "
        "or run course grade as an ordinary user, where kernels run as that user inside Landlock (with --insecure "
        "where there is no Landlock). --insecure does not change this refusal: a kernel never runs as root."
    )


def require_kernel_uid() -> None:
    """Raise KernelUidError (a CourseError) where a kernel could only run as root."""
    from course.errors import KernelUidError

    why = root_without_slot_uid()
    if why:
        raise KernelUidError(why)


def _never_root() -> None:
    """The last check before a sandboxed process runs a kernel or the verdict runner: whatever
    path led here, student code and the tests' process never get uid 0 (real, effective or saved)."""
    if 0 in os.getresuid():
        raise PermissionError("refusing to run a grading kernel as root (uid 0)")


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _exit_code_of(pid: int) -> int:
    """Wait for `pid`, reaping any other child on the way (orphans re-parented to an init)."""
    while True:
        try:
            reaped, status = os.wait()
        except ChildProcessError:
            return 0
        if reaped == pid:
            return os.waitstatus_to_exitcode(status) if status else 0


def _join_cgroup(options: SandboxOptions) -> None:
    """First thing in the kernel's process tree: enter the kernel's cgroup (memory and processes
    of everything it will start counted together), or, without one, volunteer for the OOM killer."""
    from course.autograder.cgroups import raise_oom_score

    if options.cgroup:
        for path in options.cgroup:
            with open(os.path.join(path, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))
    else:
        raise_oom_score()


def _become_kernel(
    options: SandboxOptions, connection_file: str, run_kernel: Callable[[], int], own_uid: bool
) -> NoReturn:
    os.chdir(options.workdir)
    if own_uid:
        os.chown(connection_file, options.uid, options.uid)  # written 0600 by the grader: the kernel must read it
        _drop_privileges(options.uid)
    _never_root()
    _limit(options, own_uid=own_uid)
    if options.landlock:
        from course.autograder.landlock import restrict_kernel

        restrict_kernel(options)
    os._exit(run_kernel())


def _be_init(options: SandboxOptions, connection_file: str, run_kernel: Callable[[], int]) -> NoReturn:
    """PID 1 of the namespace: dies with the keeper, starts the kernel, passes signals on, reaps."""
    _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)  # this namespace's processes only
    kernel = os.fork()
    if kernel == 0:
        _guarded(lambda: _become_kernel(options, connection_file, run_kernel, own_uid=True))
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: os.kill(kernel, s))
    os._exit(_exit_code_of(kernel))


def _guarded(body: Callable[[], NoReturn]) -> NoReturn:
    """A forked child never returns into the zygote's code, whatever happens; what went wrong
    goes to its standard error, which the zygote points at the kernel's log (KERNEL_LOG)."""
    try:
        body()
    except BaseException as exc:
        try:
            os.write(2, f"sandbox: {type(exc).__name__}: {exc}\n".encode(errors="replace"))
        except OSError:
            pass
    os._exit(70)


def run_sandboxed(
    options: SandboxOptions, connection_file: str, run_kernel: Callable[[], int], zygote_pid: int
) -> NoReturn:
    """In the zygote's freshly forked child: isolate, then run the kernel. Never returns."""

    def keeper() -> NoReturn:
        # dies with the zygote, which dies with the grader: no kernel outlives its batch
        _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
        if os.getppid() != zygote_pid:  # the zygote ended before the line above
            os._exit(0)
        _join_cgroup(options)
        if options.namespaces:
            _check(_libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
            _build_filesystem(options)
            init = os.fork()  # the first child in a new PID namespace is its pid 1
            if init == 0:
                _guarded(lambda: _be_init(options, connection_file, run_kernel))
            # the grader holds a pidfd of this process: its interrupt (the student runner's cell
            # timeout) goes on to the namespace's pid 1, which passes it to the kernel
            signal.signal(signal.SIGINT, lambda s, _f: os.kill(init, s))
            os._exit(_exit_code_of(init))
        # Fallback without namespaces: limits, a session of its own (the zygote's child already
        # leads one), the scratch folder as cwd; as root, a uid of its own all the same (it
        # cannot read the grader's 0600 files, nor signal other kernels), and never uid 0.
        if os.getsid(0) != os.getpid():
            os.setsid()
        root = os.geteuid() == 0
        if root and (closed := folder_closed_to_others()):  # (the grader refuses before it gets here)
            raise PermissionError(_uid_refusal(closed))
        _become_kernel(options, connection_file, run_kernel, own_uid=root)

    _guarded(keeper)


# --- the launcher where the zygote cannot run (not Linux) ------------------------------------------


def launcher_arguments(options: SandboxOptions) -> list[str]:
    return ["--options", options.to_json()]


def main(argv: list[str] | None = None) -> int:
    """`python -m course.autograder.sandbox --options JSON -- KERNEL ARGV`: limits, a session of its
    own (the grader ends the session afterwards), the scratch folder as working folder, then the kernel."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="course.autograder.sandbox")
    parser.add_argument("--options", required=True, help="SandboxOptions as JSON (namespaces must be false)")
    if "--" not in argv:
        parser.error("give the kernel's command after --")
    split = argv.index("--")
    args, kernel = parser.parse_args(argv[:split]), argv[split + 1 :]
    options = SandboxOptions.from_json(args.options)
    if options.namespaces:
        parser.error("the launcher cannot build namespaces; only the zygote's children can")
    if os.geteuid() == 0 and (closed := folder_closed_to_others()):  # (the grader refuses before it gets here)
        print(f"course.autograder.sandbox: {_uid_refusal(closed)}", file=sys.stderr, flush=True)
        return 70
    if os.getsid(0) != os.getpid():  # jupyter_client usually starts it in a new session already
        os.setsid()
    _join_cgroup(options)
    os.chdir(options.workdir)
    as_root = os.geteuid() == 0
    if as_root:  # started by a root grader: never run student code as root
        connection = kernel[kernel.index("-f") + 1] if "-f" in kernel else None
        if connection:
            os.chown(connection, options.uid, options.uid)
        _drop_privileges(options.uid)
    _never_root()
    _limit(options, own_uid=as_root)
    if options.landlock:
        from course.autograder.landlock import restrict_kernel

        restrict_kernel(options)
    os.execvp(kernel[0], kernel)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
