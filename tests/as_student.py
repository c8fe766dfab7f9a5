"""Run nbgrader as a student would on Zero to JupyterHub: the single-user server's OS account is
`jovyan`, and nbgrader takes the student's name from JUPYTERHUB_USER (nbgrader.utils.get_username).

Used by tests/test_classroom.py, where every "student" is a separate home folder on one machine
(the test machine's Python lives in a private folder, so separate OS accounts cannot run it).
Usage: python -m tests.as_student NBGRADER-ARGS...
"""

import sys

import nbgrader.utils

nbgrader.utils.get_osusername = lambda: "jovyan"

if __name__ == "__main__":
    from nbgrader.apps.nbgraderapp import main

    sys.argv = ["nbgrader", *sys.argv[1:]]
    sys.exit(main())
