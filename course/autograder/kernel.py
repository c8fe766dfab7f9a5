"""Start a grading kernel: forked by the zygote into the sandbox, driven by jupyter_client.

jupyter_client starts kernels with Popen through a "provisioner"; here the provisioner asks the
zygote (course.autograder.zygote) to fork one instead, and watches it through a pidfd. The client
and manager are tuned for kernels that are ready a few milliseconds after the fork: jupyter_client's
fixed waits (100 ms reconnects and polls, a 0.2 s silence on IOPub) would otherwise be most of the
cost of grading a short notebook.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from course import settings
from course.autograder import compat
from course.autograder.limits import Limits
from course.autograder.sandbox import (
    MARKER,
    SandboxOptions,
    full_isolation_available,
    launcher_arguments,
    require_kernel_uid,
)
from course.autograder.zygote import batch_marker, kernel_environment, zygote


class _SandboxSpecs(KernelSpecManager):
    """Serves one kernelspec: the python3 kernel, forked by the zygote into the sandbox."""

    def __init__(self, spec: KernelSpec, **kwargs):
        super().__init__(**kwargs)
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self._spec


class _ForkedKernel:
    """What jupyter_client asks of a Popen, for a kernel forked by the zygote: it is watched and
    signalled through a pidfd, since the zygote, not this process, is its parent. Its exit status
    is the zygote's to collect; 0 here means only that it has ended."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int):
        self.pid, self._pidfd, self.returncode = pid, pidfd, None

    def poll(self) -> int | None:
        if self.returncode is None and self._pidfd >= 0 and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = 0
            self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            select.select([self._pidfd], [], [], timeout)
        self.poll()
        return self.returncode or 0

    async def ended(self) -> int:
        """Wait without polling: the pidfd becomes readable when the process ends."""
        if self.poll() is None:
            loop, done = asyncio.get_running_loop(), asyncio.Event()
            loop.add_reader(self._pidfd, done.set)
            try:
                await done.wait()
            finally:
                loop.remove_reader(self._pidfd)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self._pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self) -> None:
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1

    def __del__(self):
        self._close()


class _ZygoteProvisioner(LocalProvisioner):
    """LocalProvisioner, except that the kernel is forked by the zygote instead of started by
    Popen, with the sandbox's options and the clean environment alone (LocalProvisioner would
    hand the kernel the grader's whole environment)."""

    sandbox: SandboxOptions
    kernel_env: dict[str, str]

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        arguments = cmd[len(self.kernel_spec.argv) :]  # nbclient's extra arguments (e.g. history in memory)
        pid, pidfd = zygote().spawn(self.sandbox, self.parent.connection_file, arguments, self.kernel_env)
        self.process = _ForkedKernel(pid, pidfd)
        self.pid, self.pgid, self.cwd = pid, None, self.sandbox.workdir
        return self.connection_info

    async def wait(self) -> int | None:
        if self.process is None:
            return 0
        code = await self.process.ended()
        self.process = None
        return code


class _PromptClient(AsyncKernelClient):
    """A client tuned to kernels that are ready within a tenth of a second of the fork."""

    if compat.CLIENT_CONTEXT.present:  # without it the context would outlive the client

        @default("context")
        def _prompt_context(self) -> zmq.asyncio.Context:
            # The client connects before the kernel has bound its sockets; zmq would retry only
            # every 100 ms, most of such a kernel's start-up time.
            self._created_context = True
            context = zmq.asyncio.Context()
            context.setsockopt(zmq.RECONNECT_IVL, 5)
            return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """jupyter_client's check (kernel_info answered, IOPub connected), without its final wait
        for IOPub to stay silent for 0.2 s: nbclient matches every message to its request, so
        start-up messages still in flight cannot be taken for a cell's output."""
        if not compat.KERNEL_INFO.present:
            return await super().wait_for_ready(timeout)
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub connected: it hears the kernel
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class _GradingKernelManager(AsyncKernelManager):
    """Waits for the end of a killed kernel on its pidfd instead of polling every 100 ms, and does
    not keep messages for a kernel it has killed (zmq would wait 100 ms to deliver them). Both
    override private methods (course.autograder.compat); without them, the stock behaviour."""

    if compat.CONTROL_SOCKET.present:

        def _connect_control_socket(self) -> None:
            super()._connect_control_socket()
            self._control_socket.linger = 0

    if compat.WAIT.present:

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            process = getattr(self.provisioner, "process", None)
            if isinstance(process, _ForkedKernel):
                await process.ended()
            await super()._async_wait(pollinterval)


def zygote_supported() -> bool:
    """Forked kernels need Linux (pidfds, prctl, SOCK_SEQPACKET). Elsewhere (a learner's Mac
    running `course check`) kernels are started the usual way, with limits and a session of
    their own, and the same clean environment."""
    return (
        sys.platform == "linux"
        and hasattr(os, "pidfd_open")
        and compat.PROVISIONER_PROCESS.present
        and settings.NO_ZYGOTE.get() != "1"
    )


class _PlainProvisioner(LocalProvisioner):
    """jupyter_client's Popen launch through `python -m course.autograder.sandbox`, but with the
    clean environment alone and the kernel's console chatter discarded."""

    kernel_env: dict[str, str]

    async def pre_launch(self, **kwargs) -> dict:
        kwargs["env"] = dict(self.kernel_env)
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        return await super().launch_kernel(cmd, **kwargs)


def kernel_manager(
    workdir: Path,
    uid: int,
    hide: list[Path],
    keep: list[Path],
    limits: Limits,
    cgroup: tuple[str, ...] = (),
    landlock: bool = False,
) -> AsyncKernelManager:
    """A kernel manager whose kernel will run in a sandbox with `workdir` as its only writable
    folder: forked by this process's zygote (as `uid`, in namespaces when available), or, where
    the zygote cannot run, started with limits only."""
    require_kernel_uid()
    forked = zygote_supported()
    namespaces = forked and full_isolation_available()
    # ipc: Unix sockets in the scratch folder, the only way in and out of a network namespace
    transport = "ipc" if namespaces else "tcp"
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    options = SandboxOptions(
        workdir=str(workdir),
        uid=uid,
        namespaces=namespaces,
        hide=tuple(map(str, hide)),
        keep=tuple(map(str, keep)),
        limits=limits,
        cgroup=cgroup,
        landlock=landlock,
    )
    argv = (
        kernel
        if forked
        else [sys.executable, "-m", "course.autograder.sandbox", *launcher_arguments(options), "--", *kernel]
    )
    spec = KernelSpec(argv=argv, display_name="Python 3 (grading sandbox)", language="python", interrupt_mode="message")
    km = _GradingKernelManager(
        kernel_name="python3",
        kernel_spec_manager=_SandboxSpecs(spec),
        transport=transport,
        ip=str(workdir / ".kernel") if transport == "ipc" else "127.0.0.1",
        connection_file=str(workdir / ".kernel.json"),
    )
    km.kernel_id = str(uuid.uuid4())
    km.client_factory = _PromptClient
    provisioner = (_ZygoteProvisioner if forked else _PlainProvisioner)(
        kernel_id=km.kernel_id, kernel_spec=spec, parent=km
    )
    provisioner.sandbox = options
    provisioner.kernel_env = kernel_environment(workdir) | {MARKER: batch_marker()}
    km.provisioner = provisioner
    return km
