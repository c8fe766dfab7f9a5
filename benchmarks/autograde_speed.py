"""`course grade` against stock `nbgrader autograde`: the same submissions, the same scores, faster.

Both grade the same submissions of one module (the solution, the blank student version and the
recorded common mistakes, repeated) into separate copies of the course. The script checks that
every automatic score agrees with stock nbgrader's, then reports, for `course grade`:

- wall time and the speed-up over stock (target: at least 5x on 2 cores for 24 submissions);
- CPU time of every process each command started (a cgroup around it where this machine has one,
  so kernels killed rather than waited for are counted too), which other load on the machine
  changes much less than wall time;
- the time per submission split into its phases, as `course grade` prints them (fork, run,
  export, verdict_fork, tests, gradebook);
- with --scaling: a second, 10 times longer batch (240 by default) graded by `course grade` only,
  whose time per submission must stay within 10% of the short batch's (the long batch pays the
  start-up once over more submissions, so it may only be lower) and whose grader memory must stay
  flat: the proportional memory of the grader's long-lived processes (the command, the pool's
  server and workers, the zygote; not the kernels, which come and go), sampled every 0.5 s, each
  at its highest in the last quarter of the batch against the first quarter, summed.

Run: .venv/bin/python benchmarks/autograde_speed.py [--assignment 00-orientation] [--submissions 24]
     [--course-only]   only `course grade` (the throughput docs/scale.md plans with)
     [--scaling]       also grade 10x the submissions and check time per submission and memory
     [--repeat N]      time `course grade` N times on the short batch and report the median
     [--jobs N]        `course grade --jobs N` (default: its own, CPUs + 1)
Writes benchmarks/results/autograde_speed.json and exits 1 if a target is missed or a score differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.nbgrader_run import environment_for_tools, run_nbgrader  # noqa: E402
from tests.helpers import gradebook_scores  # noqa: E402
from tests.mistakes import MISTAKES  # noqa: E402

SPEEDUP_TARGET = 5.0
SCALING_TOLERANCE = 0.10  # time per submission of the long batch: at most 10% above the short one's
MEMORY_TOLERANCE = 0.10  # grader memory, last quarter against first quarter of the long batch


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
        folder = where / "submitted" / f"student{i:03d}" / assignment
        folder.mkdir(parents=True)
        for name, nb in variants[i % len(variants)].items():
            nbformat.write(nb, folder / name)
    return where


def scores(course: Path, assignment: str) -> dict:
    return gradebook_scores(course, assignment, code_only=True)


class CpuGroup:
    """A cpuacct (cgroup v1) or cpu (v2) group around one command: it counts the CPU of every
    process the command ever started, including kernels that are killed rather than waited for
    (the rusage of children misses those). None where no writable hierarchy exists."""

    def __init__(self, name: str):
        self.path = self.stat = None
        for base, stat in ((Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage"), (Path("/sys/fs/cgroup"), "cpu.stat")):
            if (base / stat).exists() and os.access(base, os.W_OK):
                self.path, self.stat = base / f"bench-{name}-{os.getpid()}", stat
                self.path.mkdir(exist_ok=True)
                break

    def enter(self) -> None:  # preexec_fn of the command
        if self.path:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        if not self.path:
            return None
        text = (self.path / self.stat).read_text()
        if self.stat == "cpuacct.usage":
            return int(text) / 1e9
        return int(text.split("usage_usec")[1].split()[0]) / 1e6

    def remove(self) -> None:
        if self.path:
            time.sleep(1)  # the last kernels leave the group as they are reaped
            try:
                os.rmdir(self.path)
            except OSError:
                pass


def grader_memory_kb(pid: int) -> dict[int, int]:
    """Proportional memory (Pss, kB) of each of the grader's processes: the command, the pool's
    server and workers, and the zygote itself, but not the zygote's children (kernels and runners,
    which come and go with each submission and share the zygote's pages)."""
    found, todo = {}, [pid]
    while todo:
        try:
            process = psutil.Process(todo.pop())
            found[process.pid] = process.memory_full_info().pss // 1024
            if "course.autograder.zygote" not in process.cmdline():  # the zygote counts, its forks do not
                todo += [child.pid for child in process.children()]
        except psutil.Error:
            continue
    return found


def long_lived_memory(samples: list[dict[int, int]]) -> tuple[int | None, int | None]:
    """The memory of the processes that live through the batch (seen in at least half of the
    samples: the command, the pool, the zygote), each at its highest in the first and in the last
    quarter of the batch, summed. A process that lives a moment (a helper the grader runs) would
    otherwise decide the highest value of whichever quarter it fell in."""
    if len(samples) < 8:
        return None, None
    seen: dict[int, int] = {}
    for sample in samples:
        for pid in sample:
            seen[pid] = seen.get(pid, 0) + 1
    long_lived = {pid for pid, count in seen.items() if count >= len(samples) / 2}
    quarter = len(samples) // 4

    def highest(part: list[dict[int, int]]) -> int:
        return sum(max((s.get(pid, 0) for s in part), default=0) for pid in long_lived)

    return highest(samples[:quarter]), highest(samples[-quarter:])


def run_course_grade(course: Path, assignment: str, jobs: int | None = None) -> dict:
    group = CpuGroup("ours")
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "course.cli", "grade", assignment, *(["--jobs", str(jobs)] if jobs else [])],
        cwd=course,
        env=environment_for_tools(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=group.enter,
    )
    samples: list[dict[int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            samples.append(grader_memory_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate(timeout=7200)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    cpu = group.seconds()
    group.remove()
    if process.returncode != 0:
        raise SystemExit(f"course grade failed (exit {process.returncode}):\n{out}\n{err}")
    phases_line = next((line for line in out.splitlines() if line.startswith("seconds per submission")), "")
    phases = {
        name: float(value)
        for name, value in (part.split() for part in phases_line.removeprefix("seconds per submission:").split(","))
    }
    first, last = long_lived_memory(samples)
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2) if cpu is not None else None,
        "phases_seconds_per_submission": phases,
        "summary": out.splitlines()[0],
        "memory_kb_first_quarter_max": first,
        "memory_kb_last_quarter_max": last,
        "memory_kb_peak": max((sum(s.values()) for s in samples), default=None),
    }


def run_stock(course: Path, assignment: str) -> dict:
    group = CpuGroup("stock")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"],
        cwd=course,
        env=environment_for_tools(),
        capture_output=True,
        text=True,
        timeout=7200,
        preexec_fn=group.enter,
    )
    wall = time.perf_counter() - start
    cpu = group.seconds()
    group.remove()
    if done.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{done.stdout}\n{done.stderr}")
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2) if cpu is not None else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--assignment",
        default="00-orientation",
        choices=sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()),
    )
    parser.add_argument("--submissions", type=int, default=24)
    parser.add_argument("--course-only", action="store_true", help="time `course grade` only, not nbgrader")
    parser.add_argument("--scaling", action="store_true", help="also grade 10x the submissions")
    parser.add_argument("--repeat", type=int, default=1, help="time `course grade` N times; report the median")
    parser.add_argument("--jobs", type=int, help="`course grade --jobs` (default: its own, CPUs + 1)")
    args = parser.parse_args()
    n = args.submissions
    cpus = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    failures: list[str] = []
    try:
        result: dict = {"assignment": args.assignment, "submissions": n, "cpus": cpus}
        result["load_average_before"] = round(os.getloadavg()[0], 2)
        runs = []
        for i in range(args.repeat):
            ours = make_course(work / f"ours{i}", args.assignment, n)
            runs.append((run_course_grade(ours, args.assignment, args.jobs), ours))
        runs.sort(key=lambda run: run[0]["wall_seconds"])
        median, ours = runs[len(runs) // 2]
        result["course_grade"] = median
        result["course_grade_wall_seconds_all_runs"] = [run["wall_seconds"] for run, _ in runs]
        result["submissions_per_minute_per_core"] = round(n / median["wall_seconds"] * 60 / cpus, 1)
        if not args.course_only:
            stock = make_course(work / "stock", args.assignment, n)
            result["stock_nbgrader"] = run_stock(stock, args.assignment)
            a, b = scores(stock, args.assignment), scores(ours, args.assignment)
            differences = {str(k): (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
            result["scores_compared"] = len(a)
            result["score_differences"] = differences
            result["speedup_wall"] = round(result["stock_nbgrader"]["wall_seconds"] / median["wall_seconds"], 2)
            if result["stock_nbgrader"]["cpu_seconds"] and median["cpu_seconds"]:
                result["speedup_cpu"] = round(result["stock_nbgrader"]["cpu_seconds"] / median["cpu_seconds"], 2)
            if differences:
                failures.append(f"{len(differences)} score(s) differ from stock nbgrader's")
            if result["speedup_wall"] < SPEEDUP_TARGET:
                failures.append(f"speed-up {result['speedup_wall']}x is under the {SPEEDUP_TARGET}x target")
        if args.scaling:
            long = make_course(work / "long", args.assignment, 10 * n)
            result["long_batch"] = run_course_grade(long, args.assignment, args.jobs)
            short_each = median["wall_seconds"] / n
            long_each = result["long_batch"]["wall_seconds"] / (10 * n)
            result["wall_seconds_per_submission"] = {"short": round(short_each, 3), "long": round(long_each, 3)}
            if long_each > short_each * (1 + SCALING_TOLERANCE):
                failures.append(f"time per submission grew from {short_each:.3f} s to {long_each:.3f} s")
            first, last = (result["long_batch"][f"memory_kb_{q}_quarter_max"] for q in ("first", "last"))
            if first and last and last > first * (1 + MEMORY_TOLERANCE):
                failures.append(f"grader memory grew from {first} kB to {last} kB over the long batch")
        result["load_average_after"] = round(os.getloadavg()[0], 2)
        result["targets_missed"] = failures
        print(json.dumps(result, indent=2))
        out = ROOT / "benchmarks" / "results"
        out.mkdir(exist_ok=True)
        (out / "autograde_speed.json").write_text(json.dumps(result, indent=2) + "\n")
        for failure in failures:
            print("target missed:", failure, file=sys.stderr)
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
