"""Cost of running each course notebook top to bottom: wall time and the kernel's peak memory.

Target (issue 5): every notebook under 10 s and 300 MB. The solution (source) notebooks are
executed, because they do the most work. Peak memory is the kernel process's high-water mark
(VmHWM in /proc, Linux only).
Run: .venv/bin/python benchmarks/notebook_cost.py
Writes benchmarks/results/notebook_cost.json; exits 1 if a notebook misses a target.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from course.paths import course_root

TARGET_SECONDS, TARGET_MB = 10.0, 300.0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def measure(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(path.parent))
    try:
        client = NotebookClient(nb, km=km, timeout=120, allow_errors=False)
        start = time.perf_counter()
        with client.setup_kernel():
            client.execute()  # runs every cell in the already started kernel
        seconds = time.perf_counter() - start
        memory = peak_rss_mb(km.provisioner.process.pid)
    finally:
        km.shutdown_kernel(now=True)
    return {"notebook": str(path.relative_to(course_root())), "seconds": round(seconds, 2), "peak_mb": round(memory, 1)}


def main() -> int:
    results = [measure(p) for p in sorted((course_root() / "notebooks").glob("*/*.ipynb"))]
    ok = True
    for r in results:
        fine = r["seconds"] < TARGET_SECONDS and r["peak_mb"] < TARGET_MB
        ok &= fine
        print(f"{r['notebook']:<60} {r['seconds']:6.2f} s  {r['peak_mb']:6.1f} MB  {'OK' if fine else 'OVER'}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "notebook_cost.json").write_text(
        json.dumps({"targets": {"seconds": TARGET_SECONDS, "mb": TARGET_MB}, "results": results}, indent=2)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
