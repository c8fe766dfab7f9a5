"""Every private part of jupyter_client and nbclient the grader relies on, in one place.

The grader tunes kernel start and shutdown (course.autograder.kernel) below what the public APIs
reach. Each hook below is checked by a fast test (tests/test_unit_autograder_compat.py), so a release that renames
one fails the test suite instead of a grading batch; and each has a fallback, so grading still
works without it, only slower (stated with each hook). Nothing else in the course touches a
private name of these libraries.
"""

from __future__ import annotations

from dataclasses import dataclass

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient import NotebookClient


@dataclass(frozen=True)
class Hook:
    owner: type
    name: str
    why: str
    fallback: str

    @property
    def present(self) -> bool:
        return hasattr(self.owner, self.name) or self.name in getattr(self.owner, "class_traits", lambda: {})()


WAIT = Hook(
    AsyncKernelManager,
    "_async_wait",
    "waits for a killed kernel on its pidfd instead of polling every 100 ms",
    "jupyter_client's polling: about 0.1 s more per submission",
)
CONTROL_SOCKET = Hook(
    AsyncKernelManager,
    "_connect_control_socket",
    "sets the control socket's linger to 0, so a killed kernel's last message is not waited for",
    "jupyter_client's 100 ms linger",
)
KERNEL_INFO = Hook(
    AsyncKernelClient,
    "_handle_kernel_info_reply",
    "records the kernel's info after the quicker readiness check in wait_for_ready",
    "jupyter_client's own wait_for_ready, with its 0.2 s wait for a silent IOPub",
)
CLIENT_CONTEXT = Hook(
    AsyncKernelClient,
    "_created_context",
    "tells jupyter_client that the client owns the zmq context it made, so it is destroyed with it",
    "jupyter_client's default context (100 ms reconnects)",
)
PROVISIONER_PROCESS = Hook(
    LocalProvisioner,
    "process",
    "holds the kernel's process handle; the zygote's forked kernel takes the place of a Popen",
    "none: the zygote cannot be used; set COURSE_GRADING_NO_ZYGOTE=1 to start kernels the usual way",
)
NBCLIENT_CLEANUP = Hook(
    NotebookClient,
    "_cleanup_kernel",
    "removed from atexit once the grader has shut the kernel down itself",
    "nbclient's exit-time clean-up of an already stopped kernel: harmless, a little memory per kernel",
)
DISPLAY_UPDATE = Hook(
    NotebookClient,
    "_update_display_id",
    "counts a display update against the output budget once for every output it changes",
    "updates are not counted: a submission could grow its graded notebook past the output limit",
)

HOOKS = (WAIT, CONTROL_SOCKET, KERNEL_INFO, CLIENT_CONTEXT, PROVISIONER_PROCESS, NBCLIENT_CLEANUP, DISPLAY_UPDATE)
