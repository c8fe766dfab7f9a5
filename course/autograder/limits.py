"""What one submission may use while it is graded: the one place the grader's limits are defined.

Defaults come from the course's nbgrader_config.py: `c.Execute.timeout` (nbgrader's own setting,
so `nbgrader autograde` and `course grade` stop a runaway cell at the same point) and the course's
`c.GradingLimits.<field>` for the rest; the `course grade` options override both. The same value
travels from the command line to the sandbox that applies it (course.autograder.sandbox), so a new
limit is one field here plus the line that enforces it there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from course.config import load_config
from course.errors import ConfigError

SECTION = "GradingLimits"  # c.GradingLimits.memory_mb = 2048 in nbgrader_config.py


@dataclass(frozen=True)
class Limits:
    """Grading limits; the defaults suit the course's notebooks (each runs in about 2 s)."""

    cell_timeout: float = 60.0  # seconds a cell may run before it is interrupted (c.Execute.timeout)
    submission_timeout: float = 300.0  # seconds for the whole submission
    memory_mb: int = 2048  # address space of the kernel
    max_processes: int = 256  # processes and threads of the kernel's own uid (full isolation)
    max_file_mb: int = 64  # size of any file the kernel writes
    max_disk_mb: int = 256  # all the files the kernel writes, together (course.autograder.disk)
    max_files: int = 10_000  # how many files and folders the kernel may create
    max_open_files: int = 256
    max_output_bytes: int = 1_000_000  # output kept per submission; the rest is cut with a note
    max_notebook_bytes: int = 20_000_000  # a larger submitted notebook is not graded
    max_export_bytes: int = 16_000_000  # the values one test reads, as data (course.autograder.values)

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"grading limit {field.name} must be a positive number, not {value!r}")

    @property
    def cpu_seconds(self) -> int:
        """CPU time: a backstop behind the wall-time limit, which the grader enforces itself."""
        return int(self.submission_timeout) + 30

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> Limits:
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    @classmethod
    def from_config(cls, root: Path, **overrides) -> Limits:
        """The course's limits: nbgrader_config.py in `root`, then `overrides` that are not None."""
        config = load_config(root)
        values = {}
        if "Execute" in config and "timeout" in config.Execute and config.Execute.timeout:
            values["cell_timeout"] = float(config.Execute.timeout)
        if SECTION in config:
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(config[SECTION]) - known)
            if unknown:
                raise ConfigError(
                    f"nbgrader_config.py sets c.{SECTION}.{unknown[0]}, which is not a limit; "
                    f"the limits are: {', '.join(sorted(known))}"
                )
            values.update({name: config[SECTION][name] for name in config[SECTION]})
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)
