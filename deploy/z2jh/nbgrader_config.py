"""nbgrader settings for every single-user server on Zero to JupyterHub (the image installs this
file as /etc/jupyter/nbgrader_config.py). The exchange is the ngshare service, not a folder.

NGSHARE_URL is where ngshare answers; by default the chart's own address through the hub's proxy
(set it in singleuser.extraEnv if your release or namespace differs). tests/test_hub.py runs this
file against an ngshare on loopback.
"""

import os

from ngshare_exchange import configureExchange

c = get_config()  # noqa: F821
configureExchange(c, os.environ.get("NGSHARE_URL", "http://proxy-public/services/ngshare"))
# Students see every course ngshare enrols them in; the instructor's course root and config folder
# name the course.
c.CourseDirectory.course_id = "*"
c.Exchange.path_includes_course = True
