"""The `course` command: one verb per step, each a thin shell over `course.grading`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.grading.nbgrader_run import NbgraderError


def _workspace(args: argparse.Namespace) -> int:
    from course.grading.workspace import build_workspace

    report = build_workspace(Path(args.dest).resolve() if args.dest else None)
    for path in report.copied:
        print(f"new      {path}")
    if report.kept:
        print(f"kept {len(report.kept)} notebook(s) you already have (your work is never overwritten); "
              "to get a fresh copy, rename yours and run this again.")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from course.grading.autograde import grade_assignment
    from course.grading.execute import Limits

    limits = Limits(cell_timeout=args.cell_timeout, submission_timeout=args.submission_timeout, memory_mb=args.memory_mb)
    report = grade_assignment(args.assignment, db_url=args.db, jobs=args.jobs, limits=limits, students=args.student or None)
    failed = [r for r in report.results if r.all_problems]
    print(f"graded {len(report.results)} submission(s) of {report.assignment} in {report.seconds:.1f} s; "
          f"isolation: {report.isolation}")
    for line in report.skipped:
        print(f"skipped  {line}")
    for result in failed:
        for problem in result.all_problems:
            print(f"problem  {result.student}: {problem}")
    if not failed:
        print("no problems")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Summits and Warheads: course tools.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    ws = verbs.add_parser("workspace", help="build the student version of every assignment into workspace/")
    ws.add_argument("--dest", help="workspace folder (default: workspace/ in the course root)")
    ws.set_defaults(run=_workspace)

    grade = verbs.add_parser("grade", help="autograde every submission under submitted/<student>/ASSIGNMENT, in parallel")
    grade.add_argument("assignment")
    grade.add_argument("--db", help="gradebook URL (default: the course config, else sqlite:///gradebook.db)")
    grade.add_argument("--jobs", type=int, help="submissions graded at once (default: number of CPUs)")
    grade.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade.add_argument("--cell-timeout", type=float, default=60.0, help="seconds per cell before it is interrupted")
    grade.add_argument("--submission-timeout", type=float, default=300.0, help="seconds per submission in all")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit of each kernel")
    grade.set_defaults(run=_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except NbgraderError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
