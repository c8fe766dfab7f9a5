"""Every user's server starts its kernels on Unix sockets in a private folder, not on TCP ports.

Why: with TCP, jupyter_client picks "free" ports by binding port 0 and closing the socket
(jupyter_client/connect.py, write_connection_file), writes them into the connection file and starts
the kernel, which binds them a moment later. On a shared server another process can take a port
in between; the kernel dies with `ZMQError: Address already in use` and the notebook (or nbgrader's
Validate) waits for a kernel that never answers. Unix sockets are files: each kernel's have names
no other kernel uses, so there is nothing to race for. They are also private: any local user can
connect to a kernel's TCP ports on 127.0.0.1 and read its outputs (ipykernel warns "Kernel is
running over TCP without encryption"); a socket in a folder only its owner can enter cannot be.

jupyter_client names a kernel's sockets after its connection file (KernelManager.ip defaults to
"<connection file without .json>-ipc", the sockets are ip-1 ... ip-5), and jupyter_server puts each
connection file, kernel-<uuid>.json, in its runtime folder under the home. A socket's path must fit
in 107 bytes (sockaddr_un.sun_path), and kernel-<uuid>-ipc-5 alone takes 49: under a home such as
/home/jupyter-firstname.lastname it does not fit. So the connection files, and with them the
sockets, go to a folder of their own, /tmp/jupyter-kernels-XXXXXXXX, which tempfile.mkdtemp makes
with a random name, mode 0700, and which is removed when the server stops.

nbgrader's Validate and autograde start their kernels through nbclient, without a connection file:
deploy/tljh/nbgrader_config.py and deploy/z2jh/nbgrader_config.py give those a socket name.

deploy/configure_jupyter.py installs this file as PREFIX/etc/jupyter/jupyter_server_config.py.
"""

import atexit
import shutil
import tempfile

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

c = get_config()  # noqa: F821
c.KernelManager.transport = "ipc"


class PrivateSocketsKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, with the connection files (and so the sockets) in a short
    private folder instead of the runtime folder (ServerApp passes its runtime_dir as connection_dir;
    MultiKernelManager.pre_start_kernel names each kernel's file there)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.connection_dir = tempfile.mkdtemp(prefix="jupyter-kernels-")
        atexit.register(shutil.rmtree, self.connection_dir, ignore_errors=True)


c.ServerApp.kernel_manager_class = PrivateSocketsKernelManager
