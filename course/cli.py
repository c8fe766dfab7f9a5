"""The `course` command: argument parsing and printing only.

Each verb is a thin shell over one module: `course.workspace` for the learner, `course.pipeline.*`
for the instructor's steps (one module per verb). Errors the user can fix arrive as
`course.errors.CourseError` and are printed as one line with the verb's exit code.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC
from pathlib import Path

from course.errors import CourseError, UsageError


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
    from course.paths import source_dir, source_notebooks
    from course.pipeline.collect import collect, collect_exchange

    root = _root()
    if args.source == "exchange":
        report = collect_exchange(args.assignment, root, args.db)
    else:
        notebooks = [p.name for p in source_notebooks(args.assignment, root)]
        if not notebooks:
            print(f"no source notebooks for {args.assignment} in {source_dir(root)}", file=sys.stderr)
            return 1
        report = collect(
            args.assignment,
            Path(args.source).resolve(),
            root,
            notebooks,
            times=Path(args.times).resolve() if args.times else None,
            worksheet=Path(args.worksheet).resolve() if args.worksheet else None,
            db_url=args.db,
        )
    for student, sub in sorted(report.submissions.items()):
        late = ""
        if sub.seconds_late:
            late = f", {sub.seconds_late:g} s late"
        elif sub.extension:
            late = f", on time with an extension of {sub.extension}"
        print(
            f"collected  {student} ({sub.name}): {', '.join(sorted(sub.files))}; "
            f"time {sub.time or 'unknown'} [{sub.time_source}]{late}"
        )
        for note in sub.notes:
            print(f"           {note}")
    for line in report.skipped:
        print(f"skipped    {line}")
    for line in report.missing:
        print(f"no submission      {line}")
    for line in report.unknown:
        print(f"not on the roster  {line}")
    for line in report.notes:
        print(f"note       {line}")
    used = sum(1 for row in report.files if row.outcome != "skipped")
    print(
        f"{len(report.submissions)} submission(s) in {root / 'submitted'}; {len(report.files)} file(s) in the "
        f"download: {used} used, {len(report.skipped)} skipped; {len(report.missing)} roster student(s) without a "
        f"submission. Every file is listed in reports/{args.assignment}-collect.csv"
    )
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from course.pipeline.feedback import feedback, feedback_zip

    root = _root()
    if not args.zip_only:
        folder, changed = feedback(root, args.assignment, args.db)
        for line in changed:
            print(f"penalty   {line}")
        print(f"feedback (hidden tests removed) in {folder}")
    for lms in args.zip or []:
        worksheet = Path(args.worksheet).resolve() if args.worksheet else None
        summary = feedback_zip(root, args.assignment, lms, worksheet)
        for line in summary.left_out:
            print(f"left out  {line}")
        print(f"{len(summary.entries)} feedback page(s) named for {lms.capitalize()}'s bulk upload in {summary.target}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.pipeline import export

    root = _root()
    if args.format != "questions" and not args.assignment:
        raise UsageError(f"--format {args.format} needs --assignment")
    default = {
        "questions": "grades.csv",
        "totals": f"grades-{args.assignment}.csv",
        "canvas": f"lms/{args.assignment}-canvas-grades.csv",
        "moodle": f"lms/{args.assignment}-moodle-grades.csv",
    }[args.format]
    target = Path(args.output or default)
    target = (target if target.is_absolute() else Path.cwd() / target).resolve()
    options = {"scale": args.scale, "missing": args.missing, "allow_ungraded": args.allow_ungraded, "db_url": args.db}
    if args.format == "questions":
        summary = export.export_questions(root, target, args.db, args.assignment)
        what = "one per student and question"
    elif args.format == "totals":
        summary = export.export_totals(root, target, args.assignment, args.db)
        what = "one per student"
    elif args.format == "canvas":
        canvas = Path(args.canvas_export).resolve() if args.canvas_export else None
        summary = export.export_canvas(root, args.assignment, target, canvas, args.canvas_column, **options)
        what = "one per student, for Canvas: Grades > Import"
    else:
        if not args.worksheet:
            raise UsageError("--format moodle fills in the grading worksheet downloaded from Moodle: give --worksheet")
        summary = export.export_moodle(root, args.assignment, target, Path(args.worksheet).resolve(), **options)
        what = "the worksheet's, for Moodle: Upload grading worksheet"
    for line in summary.lines:
        print(f"note  {line}")
    print(f"{summary.rows} row(s), {what}, in {summary.target}")
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
    from course.pipeline.check import check_notebook, report_text, write_html

    notebook = Path(args.notebook)
    lines, problems, executed = check_notebook(notebook, args.assignment)
    print(report_text(lines, problems))
    target = notebook.with_name(notebook.stem + "-checked.html")
    write_html(executed, target, lines)
    print(f"the checked notebook, with every test's message: {target}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from course.pipeline.grade import grade_assignment, start_worker_server

    start_worker_server()  # first: it imports the grading libraries while this process does the rest
    from course.autograder.limits import Limits
    from course.pipeline.ownership import owner_name
    from course.pipeline.results import check_grading_setup, grading_notes

    root = _root()
    check_grading_setup(root)
    limits = Limits.from_config(
        root, cell_timeout=args.cell_timeout, submission_timeout=args.submission_timeout, memory_mb=args.memory_mb
    )
    report = grade_assignment(
        args.assignment,
        root,
        db_url=args.db,
        jobs=args.jobs,
        limits=limits,
        students=args.student or None,
        insecure=args.insecure,
    )
    failed = [r for r in report.results if r.all_problems]
    print(
        f"graded {len(report.results)} submission(s) of {report.assignment} in {report.seconds:.1f} s; "
        f"isolation: {report.isolation}"
    )
    if report.given_back:
        owner = owner_name(root)
        print(f"owner    {report.given_back} file(s) written as root given back to {owner}, who owns the course")
    for line in report.skipped:
        print(f"skipped  {line}")
    for result in failed:
        for problem in result.all_problems:
            print(f"problem  {result.student}: {problem}")
    for line in grading_notes(root, args.assignment, [r.student for r in report.results]):
        print(line)
    if not failed:
        print("no problems")
    phases = [r.phases for r in report.results if r.phases]
    if phases:
        mean = {k: sum(p.get(k, 0.0) for p in phases) / len(phases) for k in phases[0]}
        print("seconds per submission: " + ", ".join(f"{k} {v:.2f}" for k, v in mean.items()))
    return 0


def _roster(args: argparse.Namespace) -> int:
    from course.pipeline.roster import import_roster, roster_path

    root = _root()
    report = import_roster(root, Path(args.file).resolve(), args.db, args.id)
    for line in report.added:
        print(f"added    {line}")
    for line in report.updated:
        print(f"updated  {line}")
    for line in report.skipped:
        print(f"skipped  {line}")
    sources = ", ".join(f"{n} from the {source}" for source, n in report.id_sources.items())
    print(
        f"{args.file}: read as a {report.kind}; {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.skipped)} skipped" + (f" (new ids: {sources})" if sources else "")
    )
    print(f"names, emails and Canvas ids are in the gradebook; SIS ids, logins and sections in {roster_path(root)}")
    return 0


def _show_due(due) -> str:
    return f"{due.isoformat()} ({due.astimezone(UTC):%Y-%m-%d %H:%M} UTC)" if due else "none"


def _deadline(args: argparse.Namespace) -> int:
    from course.pipeline.deadlines import course_timezone, import_deadlines, parse_when, set_due
    from course.pipeline.gradebook import open_gradebook

    root = _root()
    zone = course_timezone(root, args.timezone)
    with open_gradebook(root, args.db) as gb:
        if args.from_file:
            for assignment, due in import_deadlines(gb, Path(args.from_file).resolve(), zone):
                print(f"due   {assignment}: {_show_due(due)}")
        elif args.assignment and (args.due or args.clear):
            due = None if args.clear else parse_when(args.due, zone)
            set_due(gb, args.assignment, due)
            print(f"due   {args.assignment}: {_show_due(due)}")
        elif args.assignment:
            raise UsageError("give the due date, e.g. `course deadline 00-orientation '2025-10-06 23:59'`, or --clear")
        for record in gb.assignments:
            if record.duedate:
                local = record.duedate.replace(tzinfo=UTC).astimezone(zone)
                print(f"      {record.name}: due {local:%Y-%m-%d %H:%M} {zone.key}")
            else:
                print(f"      {record.name}: no due date")
    return 0


def _extensions(args: argparse.Namespace) -> int:
    from course.pipeline.deadlines import course_timezone, describe_seconds, import_extensions, load_extensions
    from course.pipeline.gradebook import open_gradebook

    root = _root()
    if args.action == "import":
        if not args.file:
            raise UsageError("`course extensions import FILE`: FILE is a CSV with assignment,student,extension,reason")
        with open_gradebook(root, args.db) as gb:
            report = import_extensions(root, Path(args.file).resolve(), gb, course_timezone(root, args.timezone))
        for line in report.applied:
            print(f"extended  {line}")
        for line in report.pending:
            print(f"pending   {line}")
        for line in report.skipped:
            print(f"skipped   {line}")
    for e in load_extensions(root):
        reason = f" - {e.reason}" if e.reason else ""
        print(f"          {e.assignment} {e.student}: +{describe_seconds(e.seconds)} ({e.given_as}){reason}")
    return 0


def _similarity(args: argparse.Namespace) -> int:
    from course.pipeline.similarity import similarity

    output = Path(args.output).resolve() if args.output else None
    report = similarity(_root(), args.assignment, args.threshold, output)
    for pair in report.flagged:
        print(
            f"flagged  {pair.question}  {pair.a.student} / {pair.b.student}  similarity {pair.score:.0f} "
            f"(unusual: z {pair.z:.1f})"
        )
    print(
        f"{len(report.answers)} written answer(s), {len(report.flagged)} pair(s) flagged at {args.threshold:g}; "
        f"ranked list and side-by-side view in {report.target}"
    )
    return 0


def _lab(args: argparse.Namespace) -> int:
    from course.pipeline.lab import run_lab

    return run_lab(_root(), args.port, args.browser)


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

    collect = _with_db(verbs.add_parser("collect", help="bring submissions into submitted/<student>/ASSIGNMENT"))
    collect.add_argument("assignment")
    collect.add_argument(
        "--from",
        dest="source",
        required=True,
        help="a Canvas or Moodle zip, a folder with one subfolder per student, or 'exchange'",
    )
    collect.add_argument("--times", help="Canvas: the Submissions API JSON, for each submission's real time")
    collect.add_argument(
        "--worksheet", help="Moodle: the grading worksheet (matches participants to the roster; submission times)"
    )
    collect.set_defaults(run=_collect)

    fb = _with_db(verbs.add_parser("feedback", help="HTML feedback for every graded submission, hidden tests removed"))
    fb.add_argument("assignment")
    fb.add_argument(
        "--zip",
        action="append",
        choices=["canvas", "moodle"],
        help="also write lms/ASSIGNMENT-<lms>-feedback.zip, named for the LMS's bulk feedback upload (repeatable)",
    )
    fb.add_argument("--worksheet", help="Moodle: the grading worksheet, for the students' folder names")
    fb.add_argument("--zip-only", action="store_true", help="only build the zip(s) from the feedback already there")
    fb.set_defaults(run=_feedback)

    export = _with_db(verbs.add_parser("export", help="grades as CSV: per question, totals, or for Canvas or Moodle"))
    export.add_argument("--assignment", help="only this assignment (required for totals, canvas and moodle)")
    export.add_argument(
        "--format",
        choices=["questions", "totals", "canvas", "moodle"],
        default="questions",
        help="questions (default): one row per student and question; totals: one per student; canvas: for "
        "Canvas's grade import; moodle: the Moodle grading worksheet, filled in",
    )
    export.add_argument("--output", help="default: grades.csv, or lms/ASSIGNMENT-<format>-grades.csv")
    export.add_argument("--canvas-export", help="canvas: Canvas's gradebook export (its rows, column id and points)")
    export.add_argument("--canvas-column", help="canvas: the export's column, e.g. 'Orientation (88231)'")
    export.add_argument("--worksheet", help="moodle: the grading worksheet downloaded from Moodle")
    export.add_argument("--scale", action="store_true", help="scale totals to the LMS's points when they differ")
    export.add_argument(
        "--missing", choices=["blank", "zero"], default="blank", help="no submission: blank (default) or 0"
    )
    export.add_argument(
        "--allow-ungraded", action="store_true", help="export even when written answers are still to grade by hand"
    )
    export.set_defaults(run=_export)

    roster = _with_db(verbs.add_parser("roster", help="import the class list from a Canvas or Moodle CSV"))
    roster.add_argument("action", choices=["import"])
    roster.add_argument("file", help="Canvas gradebook export, Moodle worksheet or gradebook export, or nbgrader CSV")
    roster.add_argument(
        "--id",
        choices=["sis", "login", "email", "canvas"],
        help="what new students' ids are made of (default: SIS user id, else login, else email, else Canvas "
        "user id); on JupyterHub use the one that is the hub's user name, usually login",
    )
    roster.set_defaults(run=_roster)

    deadline = _with_db(verbs.add_parser("deadline", help="set or list due dates (kept in the gradebook)"))
    deadline.add_argument("assignment", nargs="?")
    deadline.add_argument("due", nargs="?", help="e.g. '2025-10-06 23:59' (course time zone), or ISO with an offset")
    deadline.add_argument("--from", dest="from_file", help="a CSV with assignment,due")
    deadline.add_argument("--timezone", help="time zone of DUE (default: c.Deadlines.timezone)")
    deadline.add_argument("--clear", action="store_true", help="remove the due date")
    deadline.set_defaults(run=_deadline)

    extensions = _with_db(verbs.add_parser("extensions", help="per-student extensions from a CSV, or list them"))
    extensions.add_argument("action", choices=["import", "list"])
    extensions.add_argument("file", nargs="?", help="a CSV with assignment,student,extension[,reason]")
    extensions.add_argument("--timezone", help="time zone of new due times in the CSV (default: c.Deadlines.timezone)")
    extensions.set_defaults(run=_extensions)

    sim = verbs.add_parser("similarity", help="flag written answers that are unusually similar (side-by-side HTML)")
    sim.add_argument("assignment")
    sim.add_argument("--threshold", type=float, default=70.0, help="similarity 0-100 that flags a pair (default 70)")
    sim.add_argument("--output", help="default: reports/ASSIGNMENT-similarity.html")
    sim.set_defaults(run=_similarity)

    lab = verbs.add_parser("lab", help="JupyterLab for grading: at the course root, with the formgrader")
    lab.add_argument("--port", type=int, help="default: JupyterLab's (8888)")
    lab.add_argument("--browser", help="'none' to open no browser, or a browser command")
    lab.set_defaults(run=_lab)

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
