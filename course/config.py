"""The course's nbgrader_config.py, read the way nbgrader reads it.

One file holds every course setting: nbgrader's own (the gradebook URL, `c.Execute.timeout`) and
the grader's limits (`c.GradingLimits.*`, see course.autograder.limits). nbgrader ignores sections
it does not know, so the course's settings can live beside its own.
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from course.errors import ConfigError

CONFIG_FILE = "nbgrader_config.py"


def load_config(root: Path) -> Config:
    """The configuration in `root`/nbgrader_config.py; empty when there is none."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        return PyFileConfigLoader(path.name, path=str(root)).load_config()
    except ConfigFileNotFound:
        return Config()
    except Exception as exc:  # a syntax error, a name it does not define: say where
        raise ConfigError(f"{path} cannot be read: {type(exc).__name__}: {exc}") from exc


def setting(root: Path, section: str, name: str, default=None):
    """One value, e.g. setting(root, "CourseDirectory", "db_url")."""
    config = load_config(root)
    return config[section][name] if section in config and name in config[section] else default


def database_url(root: Path, db_url: str | None = None) -> str:
    """--db, else the course config's CourseDirectory.db_url, else nbgrader's SQLite default."""
    return db_url or str(setting(root, "CourseDirectory", "db_url") or f"sqlite:///{root / 'gradebook.db'}")
