"""nbgrader settings for every single-user server on Zero to JupyterHub (the image installs this
file as /etc/jupyter/nbgrader_config.py). The exchange is the ngshare service, not a folder.

NGSHARE_URL is where ngshare answers; by default the chart's own address through the hub's proxy
(set it in singleuser.extraEnv if your release or namespace differs). tests/test_hub.py runs this
file against an ngshare on loopback.
"""

import os
import secrets

from jupyter_core.paths import jupyter_runtime_dir
from ngshare_exchange import configureExchange

c = get_config()  # noqa: F821
configureExchange(c, os.environ.get("NGSHARE_URL", "http://proxy-public/services/ngshare"))
# Students see every course ngshare enrols them in; the instructor's course root and config folder
# name the course.
c.CourseDirectory.course_id = "*"
c.Exchange.path_includes_course = True

# Kernels on Unix sockets, not TCP ports, as every kernel of the server (deploy/jupyter_server_config.py
# says why: a TCP port can be taken between jupyter_client choosing it and the kernel binding it).
# nbgrader's Validate and autograde start theirs through nbclient without a connection file, where
# jupyter_client would name the sockets "kernel-ipc-1".."-5" in the current folder (the student's
# assignment folder, shared by every such kernel). Here they go in the user's private runtime folder,
# under a random name per load of this file: every Validate, every nbgrader command, has its own.
_sockets = jupyter_runtime_dir()
os.makedirs(_sockets, mode=0o700, exist_ok=True)
c.KernelManager.transport = "ipc"
c.KernelManager.ip = os.path.join(_sockets, f"nbgrader-{secrets.token_hex(4)}")
