"""Students and the instructor in one Jupyter environment: who sees which of nbgrader's tools.

Students get nbgrader's *Assignments* tab (fetch, Validate, submit, fetch feedback) and nothing
else: the formgrader, *Create Assignment* and *Course List* plugins are disabled **and locked** at
the environment's level (JupyterLab >= 4.1 lets a user re-enable a plugin that is only disabled),
and the formgrader and course-list server extensions are off, so `/user/<student>/formgrader` is
not served at all. JupyterLab's news pop-up is off for everyone.

Everyone's kernels run on Unix sockets in a private folder, not on TCP ports (no port to lose to
another process between jupyter_client choosing it and the kernel binding it): this script installs
deploy/jupyter_server_config.py, which says how, as the environment's jupyter_server_config.py.

The instructor gets them back from a config folder of their own, which the hub puts first on the
instructor's JUPYTER_CONFIG_PATH (deploy/tljh/jupyterhub_config.d/summits-and-warheads.py,
deploy/z2jh/config.yaml). It is written as files, not with `jupyter labextension enable`: that
command refuses to toggle a plugin locked at a lower level ("Extension locked at a higher level",
exit status 0), and `jupyter server extension enable --user` refuses an extension not already
listed at that level. The folder also names the course root (CourseDirectory.root), so the
formgrader finds notebooks/ and the gradebook wherever the instructor's server starts.

Run with any Python 3 (standard library only):
    python configure_jupyter.py --env PREFIX --instructor-config DIR --course-root DIR
PREFIX is the environment every server runs from (TLJH: /opt/tljh/user; the Docker image:
/usr/local). deploy/tljh/setup.sh and deploy/z2jh/Dockerfile run it; it can be run again.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

INSTRUCTOR_PLUGINS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
EVERYONE_OFF = ["@jupyterlab/apputils-extension:announcements"]  # "get notified about Jupyter news?"
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
# jupyter_server merges jupyter_server_config.d/*.json in name order, later files winning: this
# name sorts after nbgrader's own nbgrader.json, which turns every nbgrader extension on.
SERVER_CONFIG_NAME = "summits-and-warheads.json"
# Python config (a kernel manager class) cannot go in jupyter_server_config.d/, which is JSON only.
KERNELS_CONFIG = Path(__file__).resolve().parent / "jupyter_server_config.py"
KERNELS_CONFIG_MARK = "class PrivateSocketsKernelManager"


def _merge_json(path: Path, update: dict) -> None:
    """Merge `update` into the JSON file at `path` (two levels deep), keeping whatever else it says."""
    data = json.loads(path.read_text()) if path.is_file() else {}
    for key, value in update.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    path.chmod(0o644)


def configure_students(env: Path) -> None:
    """Everyone's defaults, at the environment's level: the instructor tools off and locked."""
    etc = env / "etc" / "jupyter"
    off = {name: True for name in INSTRUCTOR_PLUGINS + EVERYONE_OFF}
    _merge_json(etc / "labconfig" / "page_config.json", {"disabledExtensions": off, "lockedExtensions": off})
    _merge_json(
        etc / "jupyter_server_config.d" / SERVER_CONFIG_NAME,
        {"ServerApp": {"jpserver_extensions": {name: False for name in INSTRUCTOR_SERVER_EXTENSIONS}}},
    )


def install_kernels_config(env: Path) -> None:
    """The environment's jupyter_server_config.py: kernels on private Unix sockets. One written by
    someone else is not overwritten (the script stops and says so)."""
    target = env / "etc" / "jupyter" / "jupyter_server_config.py"
    if target.exists() and KERNELS_CONFIG_MARK not in target.read_text():
        raise SystemExit(f"{target} exists and is not this course's: add {KERNELS_CONFIG} to it by hand")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(KERNELS_CONFIG.read_text())
    target.chmod(0o644)


def configure_instructor(folder: Path, course_root: Path) -> None:
    """The instructor's own config folder: the tools back on, and where the course is."""
    on = {name: False for name in INSTRUCTOR_PLUGINS}
    _merge_json(folder / "labconfig" / "page_config.json", {"disabledExtensions": on, "lockedExtensions": on})
    _merge_json(
        folder / "jupyter_server_config.d" / SERVER_CONFIG_NAME,
        {"ServerApp": {"jpserver_extensions": {name: True for name in INSTRUCTOR_SERVER_EXTENSIONS}}},
    )
    config = folder / "nbgrader_config.py"
    config.write_text(
        '"""The instructor\'s nbgrader settings (written by deploy/configure_jupyter.py)."""\n\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course_root)!r}\n"
        'c.CourseDirectory.course_id = "summits-and-warheads"\n'
    )
    config.chmod(0o644)
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", type=Path, required=True, help="the Python environment every server runs from")
    parser.add_argument("--instructor-config", type=Path, required=True, help="the instructor's Jupyter config folder")
    parser.add_argument(
        "--course-root", type=Path, required=True, help="the instructor's course (CourseDirectory.root)"
    )
    args = parser.parse_args(argv)
    configure_students(args.env)
    install_kernels_config(args.env)
    configure_instructor(args.instructor_config, args.course_root)
    print(f"students: {', '.join(INSTRUCTOR_PLUGINS)} disabled and locked in {args.env / 'etc' / 'jupyter'}")
    print(f"kernels: Unix sockets in a private folder ({args.env / 'etc' / 'jupyter' / 'jupyter_server_config.py'})")
    print(f"instructor: tools on, course root {args.course_root}, in {args.instructor_config}")


if __name__ == "__main__":
    main()
