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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Summits and Warheads: course tools.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    ws = verbs.add_parser("workspace", help="build the student version of every assignment into workspace/")
    ws.add_argument("--dest", help="workspace folder (default: workspace/ in the course root)")
    ws.set_defaults(run=_workspace)
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
