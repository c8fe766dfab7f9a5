"""System-wide nbgrader settings for The Littlest JupyterHub (copy to /etc/jupyter/nbgrader_config.py).

Every user's JupyterLab reads this file: students to find the exchange, the instructor to release
and collect. The instructor's course folder has its own nbgrader_config.py (the repository's),
which adds the course's grading limits and feedback settings.
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "summits-and-warheads"
# A folder on the server that every user can write to; setup.sh creates it.
c.Exchange.root = "/srv/nbgrader/exchange"
# Students' fetched copies go to ~/summits-and-warheads/<assignment>/, apart from other courses.
c.Exchange.path_includes_course = True
# Log nbgrader's exchange operations where the admin can read them when something goes wrong.
c.NbGrader.logfile = "/srv/nbgrader/nbgrader.log"
