"""The `course` package keeps jsonschema's IRI grammar out of every process (course/__init__.py):
a `course` command and a grading worker start seconds sooner, and validation still works."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys, time
t0 = time.perf_counter()
import course, nbformat, jsonschema
from course import data
print("rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is not None)
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
broken = nbformat.v4.new_notebook()
broken["cells"] = [{"cell_type": "code"}]
try:
    nbformat.validate(broken)
    print("accepted a broken notebook")
except nbformat.ValidationError:
    print("still validates")
data.validate()  # frictionless, which uses jsonschema too
print(len(data.load_claims()) > 0)
"""


def test_the_iri_grammar_is_not_built_and_validation_still_works():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "still", "validates", "True"]


def test_a_process_that_imported_jsonschema_first_is_left_alone():
    """Too late to change what jsonschema offers there: course leaves sys.modules as it is."""
    probe = (
        "import sys, types; sys.modules['jsonschema'] = types.ModuleType('jsonschema'); import course; "
        "print('rfc3987_syntax' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
