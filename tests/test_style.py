"""The code and the notebooks pass ruff's lint and format checks (configured in pyproject.toml).

Ruff reads notebooks itself (their code cells), so one tool covers the package, the tests, the
scripts and every notebook; `make format` fixes what it can.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.paths import course_root


def _ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("ruff is not installed: it is in the [test] extra (make install)")
    return [found]


def test_ruff_lint_passes():
    result = subprocess.run(
        [*_ruff(), "check", "--output-format", "concise", "."],
        cwd=course_root(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr + "\n(make format fixes what it can)"


def test_ruff_format_is_applied():
    result = subprocess.run(
        [*_ruff(), "format", "--check", "."], cwd=course_root(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr + "\n(run: make format)"
