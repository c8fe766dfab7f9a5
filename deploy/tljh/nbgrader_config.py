"""nbgrader settings for every user on The Littlest JupyterHub: the course and its exchange.

deploy/tljh/setup.sh installs this file as /opt/tljh/user/etc/jupyter/nbgrader_config.py (the
shared user environment's own config folder, which every user's server reads), with the exchange
folder it was given. The instructor's course root has its own nbgrader_config.py (the
repository's), which adds the grading limits and feedback settings.
"""

import os
import secrets

from jupyter_core.paths import jupyter_runtime_dir

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "summits-and-warheads"
# A folder on the server every user can write to (setup.sh creates it, mode 1777, with the
# course's own folder inside it already belonging to the instructor).
c.Exchange.root = "/srv/nbgrader/exchange"
# Students' fetched copies go to ~/summits-and-warheads/<module>/, apart from other courses.
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
