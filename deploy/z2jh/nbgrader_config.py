"""nbgrader settings for every single-user server on Zero to JupyterHub (baked into the image at
/etc/jupyter/nbgrader_config.py). The exchange is the ngshare service, not a shared folder."""

from ngshare_exchange import configureExchange

c = get_config()  # noqa: F821
configureExchange(c)  # talks to the ngshare JupyterHub service registered in config.yaml
# Students may see every course ngshare lists for them; the instructor's course folder sets
# its own course id in its nbgrader_config.py.
c.CourseDirectory.course_id = "*"
