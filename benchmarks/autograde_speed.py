"""`course grade` against stock `nbgrader autograde`: 24 submissions of one module.

Both grade the same submissions (the solution, the blank student version and the recorded
common mistakes, repeated up to 24) into separate copies of the course; the script checks that
every automatic score agrees, then reports both wall times and the ratio (target: at least 2x
faster on a 2-core machine).
Run: .venv/bin/python benchmarks/autograde_speed.py [--assignment 00-orientation] [--submissions 24]
     [--course-only]   (only `course grade`: the throughput docs/scale.md plans with, in a third of the time)
Writes benchmarks/results/autograde_speed.json, with submissions per minute per core.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.nbgrader_run import environment_for_tools, run_nbgrader  # noqa: E402
from tests.helpers import gradebook_scores  # noqa: E402
from tests.mistakes import MISTAKES  # noqa: E402


def make_course(where: Path, assignment: str, n: int) -> Path:
    where.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", where)
    shutil.copytree(ROOT / "notebooks" / assignment, where / "notebooks" / assignment)
    run_nbgrader(where, "generate_assignment", assignment, "--force")
    source = {p.name: nbformat.read(p, as_version=4) for p in (where / "notebooks" / assignment).glob("*.ipynb")}
    release = {p.name: nbformat.read(p, as_version=4) for p in (where / "release" / assignment).glob("*.ipynb")}
    variants = [source, release]
    for solution_id, mistakes in MISTAKES.get(assignment, {}).items():
        for _, code, *_ in mistakes:  # (name, code, test, message...)
            variant = {k: nbformat.from_dict(v) for k, v in source.items()}
            for nb in variant.values():
                for cell in nb.cells:
                    if cell.metadata.get("nbgrader", {}).get("grade_id") == solution_id:
                        cell.source = code
            variants.append(variant)
    for i in range(n):
        folder = where / "submitted" / f"student{i:02d}" / assignment
        folder.mkdir(parents=True)
        for name, nb in variants[i % len(variants)].items():
            nbformat.write(nb, folder / name)
    return where


def scores(course: Path, assignment: str) -> dict:
    return gradebook_scores(course, assignment, code_only=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--assignment",
        default="00-orientation",
        choices=sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()),
    )
    parser.add_argument("--submissions", type=int, default=24)
    parser.add_argument("--course-only", action="store_true", help="time `course grade` only, not nbgrader")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        ours = make_course(work / "ours", args.assignment, args.submissions)
        stock_seconds = None
        if not args.course_only:
            stock = make_course(work / "stock", args.assignment, args.submissions)
            start = time.perf_counter()
            run_nbgrader(stock, "autograde", args.assignment, "--force", timeout=3600)
            stock_seconds = time.perf_counter() - start
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "course.cli", "grade", args.assignment],
            cwd=ours,
            check=True,
            env=environment_for_tools(),
            capture_output=True,
        )
        our_seconds = time.perf_counter() - start
        differences = {}
        if stock_seconds is not None:
            a, b = scores(stock, args.assignment), scores(ours, args.assignment)
            differences = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
        cpus = os.cpu_count() or 1
        result = {
            "assignment": args.assignment,
            "submissions": args.submissions,
            "cpus": cpus,
            "load_average_before": round(load_before, 2),
            "stock_nbgrader_seconds": round(stock_seconds, 1) if stock_seconds is not None else None,
            "course_grade_seconds": round(our_seconds, 1),
            "submissions_per_minute_per_core": round(args.submissions / our_seconds * 60 / cpus, 1),
            "speedup": round(stock_seconds / our_seconds, 2) if stock_seconds is not None else None,
            "score_differences": len(differences),
        }
        print(json.dumps(result, indent=2))
        if differences:
            print("differing scores (stock, ours):", dict(list(differences.items())[:10]))
        out = ROOT / "benchmarks" / "results"
        out.mkdir(exist_ok=True)
        (out / "autograde_speed.json").write_text(json.dumps(result, indent=2))
        return 0 if not differences and (result["speedup"] is None or result["speedup"] >= 2) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
