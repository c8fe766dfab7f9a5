"""The course's errors, as types.

Every error the course raises on purpose is a `CourseError`: the `course` command prints its
message (written for the person at the keyboard, with what to do next) and exits with its
`exit_code`, never with a traceback. Library code raises these and never exits the process, so
a notebook, a test or another program can catch them. Code decides by type, never by reading a
message.
"""

from __future__ import annotations


class CourseError(Exception):
    """Something the user can fix; the message says what and how."""

    exit_code = 1


class UsageError(CourseError):
    """The command was given something it cannot work with (a wrong path, an unknown module)."""

    exit_code = 2


class ConfigError(CourseError):
    """nbgrader_config.py or a COURSE_* setting holds a value the course cannot use."""

    exit_code = 2


class DataError(CourseError, ValueError):
    """A data file is missing, unreadable, or breaks the package's schema or rules."""


class NbgraderError(CourseError):
    """An nbgrader command failed; the message carries its output."""


class NotReleasedError(CourseError):
    """The gradebook does not know the assignment (or some of its notebooks) yet."""


class SubmissionError(CourseError, ValueError):
    """A submitted file cannot be graded; the message says why, for the instructor's list and the
    student's feedback. Raised per submission: it never stops a batch."""


class ZygoteError(CourseError, RuntimeError):
    """The kernel zygote could not start or could not fork a kernel; the message says why."""


class KernelUidError(CourseError):
    """Grading kernels could only run as root here; they never do, so grading refuses to start.
    The message says why and what to do instead."""

    exit_code = 2


class IsolationError(UsageError):
    """No isolation at all for grading kernels (no namespaces, no Landlock) and no --insecure: the
    message lists what student code could read."""
