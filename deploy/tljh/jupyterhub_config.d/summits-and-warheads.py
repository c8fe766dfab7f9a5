"""Summits and Warheads on The Littlest JupyterHub: the instructor's server opens at the course root
with nbgrader's instructor tools; students get the Assignments tab only; everyone's files are private.

deploy/tljh/setup.sh installs this file into /opt/tljh/config/jupyterhub_config.d/ (TLJH loads
every file there when the hub starts: `sudo tljh-config reload hub`), with the three values below
set to the course it was run for. tests/test_hub.py loads the same installed file into its hub.
"""

COURSE_ROOT = "/srv/summits-and-warheads"  # the instructor's course: CourseDirectory.root
INSTRUCTOR_CONFIG = "/opt/tljh/user/etc/jupyter/instructor"  # deploy/configure_jupyter.py wrote it
INSTRUCTORS = {"instructor"}  # JupyterHub user names

c = get_config()  # noqa: F821
_earlier_hook = c.Spawner.pre_spawn_hook if "pre_spawn_hook" in c.Spawner else None


def summits_and_warheads_roles(spawner):
    """Instructors: the server starts in the course root, with their own Jupyter config folder first
    on JUPYTER_CONFIG_PATH (the formgrader, Create Assignment and Course List, which everyone else has
    disabled and locked). Students: nothing changes."""
    if _earlier_hook is not None:
        _earlier_hook(spawner)
    if spawner.user.name in INSTRUCTORS:
        spawner.notebook_dir = COURSE_ROOT
        earlier = spawner.environment.get("JUPYTER_CONFIG_PATH")
        spawner.environment = {
            **spawner.environment,
            "JUPYTER_CONFIG_PATH": INSTRUCTOR_CONFIG + (":" + earlier if earlier else ""),
        }


c.Spawner.pre_spawn_hook = summits_and_warheads_roles

# Private files: each server creates files only its owner can read (the gradebook, submissions,
# fetched notebooks). TLJH starts servers as systemd units; UMask is a unit property.
c.SystemdSpawner.unit_extra_properties = {"UMask": "0077"}
