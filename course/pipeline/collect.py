"""`course collect`: bring submissions into nbgrader's submitted/<student>/<assignment>/.

Sources:
- a Canvas "Download Submissions" zip: files named `<name>_<userid>_<submissionid>_<original>`
  (late ones `<name>_LATE_<userid>_...`); the student id is the Canvas user id;
- a Moodle "Download all submissions" zip or folder: one folder per student,
  `<Full Name>_<participantid>_assignsubmission_file_/`; the id is the participant id;
- a plain folder (or zip) with one subfolder per student id holding their notebooks;
- the nbgrader exchange (`--from exchange`), through `nbgrader collect`.

A student's notebook may carry another name (Canvas appends "-1" to resubmissions): an
assignment with one notebook takes any single .ipynb. Unsafe archive entries (absolute paths,
"..", links, oversized files) are skipped and reported; nothing outside submitted/ is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from course.errors import UsageError
from course.pipeline.students import usable_student_id

CANVAS = re.compile(r"^(?P<name>[a-z]+)(?:_LATE)?_(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_file_?$")
MAX_FILE_BYTES = 50_000_000
MAX_TOTAL_BYTES = 2_000_000_000


@dataclass
class CollectReport:
    collected: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _extract(archive: Path, into: Path, report: CollectReport) -> None:
    total = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                report.skipped.append(f"{info.filename}: unsafe path or link in the archive")
                continue
            if info.file_size > MAX_FILE_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                report.skipped.append(f"{info.filename}: too large")
                continue
            total += info.file_size
            target = into / Path(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, length=1 << 20)


def _candidates(folder: Path) -> dict[str, list[tuple[str, Path]]]:
    """student id -> [(order key, notebook path)] for every layout we recognise."""
    found: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if path.is_symlink() or ".ipynb_checkpoints" in path.parts or path.name.startswith("._"):
            continue
        relative = path.relative_to(folder)
        canvas = CANVAS.match(path.name)
        moodle = next(filter(None, (MOODLE.match(p) for p in relative.parts[:-1])), None)
        if canvas:
            student, order = canvas["id"], canvas["submission"].zfill(20)
        elif moodle:
            student, order = moodle["id"], ""
        elif len(relative.parts) >= 2:
            student, order = relative.parts[0], ""
        else:
            continue
        found.setdefault(student, []).append((order, path))
    return found


def collect(assignment: str, source: Path, root: Path, notebooks: list[str]) -> CollectReport:
    """Copy each student's notebooks into submitted/<id>/<assignment>/ under the expected names."""
    report = CollectReport()
    with tempfile.TemporaryDirectory(prefix="course-collect-") as tmp:
        if source.is_file() and zipfile.is_zipfile(source):
            _extract(source, Path(tmp), report)
            folder = Path(tmp)
        elif source.is_dir():
            folder = source
        else:
            raise UsageError(f"{source} is neither a folder nor a zip file")
        for student, files in sorted(_candidates(folder).items()):
            if not usable_student_id(student):
                report.skipped.append(f"{student!r}: not a usable student id")
                continue
            latest = max(order for order, _ in files)
            chosen = [p for order, p in files if order == latest]
            mapping = _match(chosen, notebooks)
            if not mapping:
                report.skipped.append(f"{student}: no notebook matches {notebooks} ({[p.name for p in chosen]})")
                continue
            target = root / "submitted" / student / assignment
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for expected, path in mapping.items():
                shutil.copyfile(path, target / expected)
            (target / "timestamp.txt").write_text(datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
            report.collected[student] = sorted(mapping)
    return report


def _match(paths: list[Path], notebooks: list[str]) -> dict[str, Path]:
    """Expected notebook name -> submitted file: the file of that name, else one Canvas renamed
    ("x-1.ipynb" for a resubmitted "x.ipynb"). The exact name comes first, because a notebook's
    own name may end in digits too ("04-ukraine-1991-96.ipynb", "part-2.ipynb")."""
    exact, renamed = {}, {}
    for path in paths:
        original = CANVAS.match(path.name)["file"] if CANVAS.match(path.name) else path.name
        exact[original] = path
        renamed[re.sub(r"-\d+$", "", Path(original).stem) + ".ipynb"] = path
    mapping = {n: exact.get(n) or renamed[n] for n in notebooks if n in exact or n in renamed}
    if not mapping and len(notebooks) == 1 and len(paths) == 1:
        mapping = {notebooks[0]: paths[0]}
    return mapping
