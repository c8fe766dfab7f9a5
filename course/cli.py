"""The `course` command: argument parsing and printing only.

Each verb is a thin shell over one module: `course.workspace` for the learner, `course.pipeline.*`
for the instructor's steps (one module per verb). Errors the user can fix arrive as
`course.errors.CourseError` and are printed as one line with the verb's exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.errors import CourseError


def _workspace(args: argparse.Namespace) -> int:
    from course.workspace import build_workspace

    report = build_workspace(Path(args.dest).resolve() if args.dest else None)
    for path in report.copied:
        print(f"new      {path}")
    if report.kept:
        print(
            f"kept {len(report.kept)} notebook(s) you already have (your work is never overwritten); "
            "to get a fresh copy, rename yours and run this again."
        )
    return 0


def _root():
    from course.paths import grading_root

    return grading_root()


def _release(args: argparse.Namespace) -> int:
    from course.pipeline.release import release

    folder = release(_root(), args.assignment, args.db, args.exchange)
    print(f"student version in {folder}" + (" and released to the exchange" if args.exchange else ""))
    return 0


def _collect(args: argparse.Namespace) -> int:
    from course.nbgrader_run import run_nbgrader
    from course.paths import source_dir, source_notebooks
    from course.pipeline.collect import collect

    root = _root()
    if args.source == "exchange":
        print(run_nbgrader(root, "collect", args.assignment, "--update"), end="")
        return 0
    notebooks = [p.name for p in source_notebooks(args.assignment, root)]
    if not notebooks:
        print(f"no source notebooks for {args.assignment} in {source_dir(root)}", file=sys.stderr)
        return 1
    report = collect(args.assignment, Path(args.source).resolve(), root, notebooks)
    for student, files in report.collected.items():
        print(f"collected  {student}: {', '.join(files)}")
    for line in report.skipped:
        print(f"skipped    {line}")
    print(f"{len(report.collected)} submission(s) in {root / 'submitted'}")
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from course.pipeline.feedback import feedback

    folder = feedback(_root(), args.assignment, args.db)
    print(f"feedback (hidden tests removed) in {folder}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.pipeline.export import export_csv

    target = Path(args.output).resolve()
    rows = export_csv(_root(), target, args.db, args.assignment)
    print(f"{rows} row(s), one per student and question, in {target}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from course.pipeline.report import build_report

    root = _root()
    target = Path(args.output).resolve() if args.output else root / "reports" / f"{args.assignment}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(build_report(root, args.assignment, args.db), encoding="utf-8")
    print(f"report in {target}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from course.pipeline.check import check_notebook, write_html

    notebook = Path(args.notebook)
    lines, problems, executed = check_notebook(notebook, args.assignment)
    auto = [line for line in lines if line.kind == "test"]
    for line in lines:
        if line.kind == "test":
            mark = "PASS" if line.earned == line.points else "FAIL"
            print(
                f"{mark}  {line.grade_id:<14} {line.earned:g}/{line.points:g}"
                + (f"  {line.message.splitlines()[0]}" if line.message else "")
            )
        else:
            print(f"TODO  {line.grade_id:<14} {line.points:g} points by rubric: {line.message}")
    for problem in problems:
        print(f"note  {problem}")
    print(f"automatic score: {sum(line.earned for line in auto):g} of {sum(line.points for line in auto):g}")
    target = notebook.with_name(notebook.stem + "-checked.html")
    write_html(executed, target)
    print(f"the checked notebook, with every test's message: {target}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from course.autograder.limits import Limits
    from course.pipeline.grade import grade_assignment

    root = _root()
    limits = Limits.from_config(
        root, cell_timeout=args.cell_timeout, submission_timeout=args.submission_timeout, memory_mb=args.memory_mb
    )
    report = grade_assignment(
        args.assignment, root, db_url=args.db, jobs=args.jobs, limits=limits, students=args.student or None,
        insecure=args.insecure,
    )
    failed = [r for r in report.results if r.all_problems]
    print(
        f"graded {len(report.results)} submission(s) of {report.assignment} in {report.seconds:.1f} s; "
        f"isolation: {report.isolation}"
    )
    for line in report.skipped:
        print(f"skipped  {line}")
    for result in failed:
        for problem in result.all_problems:
            print(f"problem  {result.student}: {problem}")
    if not failed:
        print("no problems")
    phases = [r.phases for r in report.results if r.phases]
    if phases:
        mean = {k: sum(p.get(k, 0.0) for p in phases) / len(phases) for k in phases[0]}
        print("seconds per submission: " + ", ".join(f"{k} {v:.2f}" for k, v in mean.items()))
    return 0


def _with_db(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--db",
        help="gradebook URL (default: c.CourseDirectory.db_url in nbgrader_config.py, else sqlite:///gradebook.db)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Summits and Warheads: course tools.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    ws = verbs.add_parser("workspace", help="build the student version of every assignment into workspace/")
    ws.add_argument("--dest", help="workspace folder (default: workspace/ in the course root)")
    ws.set_defaults(run=_workspace)

    check = verbs.add_parser("check", help="self-study: grade your own notebook against the full tests")
    check.add_argument("notebook", help="e.g. workspace/00-orientation/00-orientation.ipynb")
    check.add_argument("--assignment", help="the module, if the notebook is not in its module's folder")
    check.set_defaults(run=_check)

    grade = _with_db(
        verbs.add_parser("grade", help="autograde every submission under submitted/<student>/ASSIGNMENT, in parallel")
    )
    grade.add_argument("assignment")
    grade.add_argument("--jobs", type=int, help="submissions graded at once (default: number of CPUs + 1)")
    grade.add_argument("--student", action="append", help="grade only this student (repeatable)")
    grade.add_argument(
        "--cell-timeout",
        type=float,
        help="seconds per cell before it is interrupted (default: c.Execute.timeout in nbgrader_config.py, else 60)",
    )
    grade.add_argument(
        "--submission-timeout",
        type=float,
        help="seconds per submission in all (default: c.GradingLimits.submission_timeout, else 300)",
    )
    grade.add_argument(
        "--memory-mb", type=int, help="memory limit of each kernel (default: c.GradingLimits.memory_mb, else 2048)"
    )
    grade.add_argument(
        "--insecure",
        action="store_true",
        help="grade even where kernels cannot be isolated (no namespaces, no Landlock): student code could then "
        "read what your account can; the command lists what",
    )
    grade.set_defaults(run=_grade)

    release = _with_db(
        verbs.add_parser("release", help="generate the student version of ASSIGNMENT (and release it to the exchange)")
    )
    release.add_argument("assignment")
    release.add_argument("--exchange", action="store_true", help="also release to the nbgrader exchange")
    release.set_defaults(run=_release)

    collect = verbs.add_parser("collect", help="bring submissions into submitted/<student>/ASSIGNMENT")
    collect.add_argument("assignment")
    collect.add_argument(
        "--from",
        dest="source",
        required=True,
        help="a Canvas or Moodle zip, a folder with one subfolder per student, or 'exchange'",
    )
    collect.set_defaults(run=_collect)

    fb = _with_db(verbs.add_parser("feedback", help="HTML feedback for every graded submission, hidden tests removed"))
    fb.add_argument("assignment")
    fb.set_defaults(run=_feedback)

    export = _with_db(verbs.add_parser("export", help="per-question scores as CSV"))
    export.add_argument("--assignment", help="only this assignment")
    export.add_argument("--output", default="grades.csv")
    export.set_defaults(run=_export)

    report = _with_db(verbs.add_parser("report", help="HTML report: score distribution, item analysis, quiz answers"))
    report.add_argument("assignment")
    report.add_argument("--output", help="default: reports/ASSIGNMENT.html")
    report.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as exc:
        print(f"course {args.verb}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "interrupted (what was finished is kept: `course grade` records each submission as it ends)",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
