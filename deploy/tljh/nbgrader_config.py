"""nbgrader settings for every user on The Littlest JupyterHub: the course and its exchange.

deploy/tljh/setup.sh installs this file as /opt/tljh/user/etc/jupyter/nbgrader_config.py (the
shared user environment's own config folder, which every user's server reads), with the exchange
folder it was given. The instructor's course root has its own nbgrader_config.py (the
repository's), which adds the grading limits and feedback settings.
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "summits-and-warheads"
# A folder on the server every user can write to (setup.sh creates it, mode 1777, with the
# course's own folder inside it already belonging to the instructor).
c.Exchange.root = "/srv/nbgrader/exchange"
# Students' fetched copies go to ~/summits-and-warheads/<module>/, apart from other courses.
c.Exchange.path_includes_course = True
