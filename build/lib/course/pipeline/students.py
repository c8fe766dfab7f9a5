"""What a usable student id looks like, for every command that names a folder after one.

nbgrader keeps each student's work in submitted/<id>/, autograded/<id>/ and feedback/<id>/, so an
id must be a safe folder name: letters, digits and `_.@-`, not starting with punctuation.
"""

from __future__ import annotations

import re

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")


def usable_student_id(name: str) -> bool:
    return bool(STUDENT_ID.fullmatch(name))
