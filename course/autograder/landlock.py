"""Isolation without root: Landlock (file and network access) and a small seccomp filter.

Where the grader cannot create namespaces (a JupyterHub user pod, a laptop, a container without
SYS_ADMIN), kernels used to run as the grader's own user and could read whatever it can: the
course folder with its solutions, nbgrader_config.py with the database password, the gradebook,
other students' scratch folders and submissions. Landlock (Linux 5.13+, enabled in most
distribution kernels: Ubuntu, Debian, Fedora, Arch, GKE's COS, Amazon Linux 2023) lets any
unprivileged process restrict *itself and its future children* for good:

- files: read (and execute) only the Python installation, the site-packages, the course package
  and data, a short list of system files (shared libraries, fonts, time zones) and devices;
  read and write only its own scratch folder (its HOME, TMPDIR and working folder). Nothing else
  can be opened, listed or written: not the course root, not the gradebook, not /tmp, not
  /dev/shm, not ~;
- TCP (ABI 4, Linux 6.7+): no connection anywhere (no network, not the database, not another
  kernel's ports, not the verdict kernel); binding only the kernel's own five ports;
- scopes (ABI 6, Linux 6.12+): no signal to, and no abstract socket of, any process outside the
  domain (the grader, other students' kernels, the verdict kernel); ptrace and /proc/<pid>/mem,
  environ, fd of processes outside the domain are refused at every ABI.

Landlock does not cover connecting to an existing *pathname* Unix socket (PostgreSQL's
/var/run/postgresql/.s.PGSQL.5432, the zygote's socket) nor UDP, and it cannot count memory. A
seccomp filter (`_seccomp_filter`) closes those: socket(AF_UNIX), UDP and raw sockets fail with
EACCES (netlink stays: zmq lists the network interfaces; the kernel's own sockets are TCP;
asyncio's self-pipe uses socketpair(), which stays allowed), and memfd_create fails (memory
outside the address-space limit).

The restriction is applied in the kernel's process after the rlimits and before ipykernel starts
any thread (the zygote's children are single-threaded): `restrict_kernel(options)`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import struct
import sys
from functools import lru_cache

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # same numbers on x86_64 and arm64
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
PR_SET_NO_NEW_PRIVS = 38

# filesystem access rights, by the ABI that introduced them
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR
WRITE_ALL = (
    READ
    | WRITE_FILE
    | REMOVE_DIR
    | REMOVE_FILE
    | MAKE_DIR
    | MAKE_REG
    | MAKE_SOCK
    | MAKE_FIFO
    | MAKE_SYM
    | REFER
    | TRUNCATE
)

# system files a Python kernel with pandas and matplotlib needs (found by running every course
# notebook under the restriction; see tests): shared libraries, locale, time zones, fonts.
SYSTEM_READ = (
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/fonts",
    "/etc/mime.types",
    "/etc/os-release",
    "/usr/share/zoneinfo",
    "/proc/self",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/sys/devices/system/cpu",
    "/proc/sys/vm/overcommit_memory",
)
DEVICES_RW = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty")
DEVICES_READ = ("/dev/urandom", "/dev/random")


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _syscall(number: int, *args) -> int:
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    return libc.syscall(ctypes.c_long(number), *args)


@lru_cache(maxsize=1)
def abi_version() -> int:
    """The running kernel's Landlock ABI (0: no Landlock: too old, or not enabled at boot)."""
    if sys.platform != "linux":
        return 0
    version = _syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(0, int(version))


class LandlockError(OSError):
    pass


def _check(result: int, what: str) -> int:
    if result < 0:
        error = ctypes.get_errno()
        raise LandlockError(error, f"landlock {what}: {os.strerror(error)}")
    return result


def restrict(
    read: list[str],
    write: list[str],
    *,
    read_write_files: list[str] = (),
    bind_ports: list[int] = (),
    deny_tcp: bool = True,
    scope: bool = True,
) -> int:
    """Restrict the calling thread (and every process it starts) to reading `read`, writing `write`;
    no TCP but binding `bind_ports`; no signal or abstract socket outside. Returns the ABI used."""
    abi = abi_version()
    if abi < 1:
        raise LandlockError(0, "Landlock is not available on this kernel")
    handled_fs = FS_BY_ABI[max(k for k in FS_BY_ABI if k <= abi)]
    handled_net = (BIND_TCP | CONNECT_TCP) if abi >= 4 and deny_tcp else 0
    scoped = (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 and scope else 0
    attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    buffer = ctypes.create_string_buffer(attr[:size], size)
    ruleset = _check(_syscall(SYS_CREATE_RULESET, buffer, ctypes.c_size_t(size), ctypes.c_uint32(0)), "create_ruleset")
    try:

        def allow(path: str, access: int) -> None:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return  # absent on this system
            try:
                if not os.path.isdir(path):  # files take only file rights
                    access &= EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
                rule = struct.pack("=Qi", access & handled_fs, fd)
                _check(
                    _syscall(
                        SYS_ADD_RULE,
                        ctypes.c_int(ruleset),
                        ctypes.c_int(RULE_PATH_BENEATH),
                        ctypes.create_string_buffer(rule, len(rule)),
                        ctypes.c_uint32(0),
                    ),
                    f"add_rule {path}",
                )
            finally:
                os.close(fd)

        for path in read:
            allow(path, READ)
        for path in read_write_files:
            allow(path, READ_FILE | WRITE_FILE | IOCTL_DEV)
        for path in write:
            allow(path, WRITE_ALL)
        if handled_net:
            for port in bind_ports:
                rule = struct.pack("=QQ", BIND_TCP, port)
                _check(
                    _syscall(
                        SYS_ADD_RULE,
                        ctypes.c_int(ruleset),
                        ctypes.c_int(RULE_NET_PORT),
                        ctypes.create_string_buffer(rule, len(rule)),
                        ctypes.c_uint32(0),
                    ),
                    f"bind rule {port}",
                )
        _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        _check(_syscall(SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "restrict_self")
    finally:
        os.close(ruleset)
    return abi


# --- seccomp: what Landlock does not cover ----------------------------------------------------

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
SYSCALLS = {
    "x86_64": {"socket": 41, "memfd_create": 319, "io_uring_setup": 425, "userfaultfd": 323},
    "aarch64": {"socket": 198, "memfd_create": 279, "io_uring_setup": 425, "userfaultfd": 282},
}
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET = 1, 2, 10, 16, 17
SOCK_STREAM, SOCK_TYPE_MASK = 1, 0xF
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
EACCES, EPERM = 13, 1


def _bpf(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _seccomp_filter() -> bytes | None:
    """BPF: deny socket() but TCP over IPv4/IPv6, deny memfd_create, io_uring, userfaultfd."""
    machine = os.uname().machine
    if machine not in AUDIT_ARCH:
        return None
    nr = SYSCALLS[machine]
    LD_W_ABS, JEQ_K, RET_K, ALU_AND_K = 0x20, 0x15, 0x06, 0x54
    program = [
        _bpf(LD_W_ABS, 0, 0, 4),  # arch
        _bpf(JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        _bpf(RET_K, 0, 0, RET_ALLOW),  # another ABI (x32, i386): leave it to Landlock
        _bpf(LD_W_ABS, 0, 0, 0),  # syscall number
        _bpf(JEQ_K, 4, 0, nr["memfd_create"]),
        _bpf(JEQ_K, 3, 0, nr["io_uring_setup"]),
        _bpf(JEQ_K, 2, 0, nr["userfaultfd"]),
        _bpf(JEQ_K, 2, 0, nr["socket"]),
        _bpf(RET_K, 0, 0, RET_ALLOW),
        _bpf(RET_K, 0, 0, RET_ERRNO | EPERM),  # memfd_create, io_uring_setup, userfaultfd
        _bpf(LD_W_ABS, 0, 0, 16),  # 10 socket: args[0] (domain), low 32 bits
        _bpf(JEQ_K, 6, 0, AF_NETLINK),  # 11 route queries (zmq looks up interfaces): -> 18 allow
        _bpf(JEQ_K, 1, 0, AF_INET),  # 12 -> 14
        _bpf(JEQ_K, 0, 3, AF_INET6),  # 13 -> 14, else -> 17 deny (AF_UNIX, AF_PACKET...)
        _bpf(LD_W_ABS, 0, 0, 24),  # 14 args[1] (type)
        _bpf(ALU_AND_K, 0, 0, SOCK_TYPE_MASK),  # 15
        _bpf(JEQ_K, 1, 0, SOCK_STREAM),  # 16 TCP -> 18 allow, UDP/raw -> 17 deny
        _bpf(RET_K, 0, 0, RET_ERRNO | EACCES),  # 17
        _bpf(RET_K, 0, 0, RET_ALLOW),  # 18
    ]
    # jumps are relative to the next instruction (index in the comments)
    return b"".join(program)


def install_seccomp() -> bool:
    code = _seccomp_filter()
    if code is None:
        return False

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buffer = ctypes.create_string_buffer(code, len(code))
    prog = SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    return _libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0


# --- the kernel's restriction ------------------------------------------------------------------


def kernel_read_paths(options) -> list[str]:
    """What a grading kernel may read: the sandbox's `keep` list (Python, site-packages, the
    course package, the data) and the system files above."""
    return sorted({*options.keep, *SYSTEM_READ, *DEVICES_READ})


def restrict_kernel(options) -> None:
    """In the kernel's process, before it starts: Landlock and seccomp as described above. The
    kernel's ports come from its connection file (in its scratch folder)."""
    ports: list[int] = []
    try:
        with open(os.path.join(options.workdir, ".kernel.json")) as file:
            info = json.load(file)
        ports = [
            int(info[k])
            for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
            if info.get("transport", "tcp") == "tcp" and k in info
        ]
    except (OSError, ValueError, KeyError):
        pass
    restrict(kernel_read_paths(options), [options.workdir], read_write_files=list(DEVICES_RW), bind_ports=ports)
    if not install_seccomp():  # fail closed: without it memfd and Unix sockets stay open
        raise LandlockError(f"the seccomp filter could not be installed on {os.uname().machine}")


def summary() -> str:
    abi = abi_version()
    if abi < 1:
        return "Landlock: not available"
    parts = ["files"] + (["TCP"] if abi >= 4 else []) + (["signals"] if abi >= 6 else [])
    return f"Landlock ABI {abi} ({', '.join(parts)}) + seccomp"
