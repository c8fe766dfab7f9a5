"""Widget update latency: time from changing a control to the new figure HTML (model + redraw).

Target: median under 100 ms for every widget on a 2-core machine.
Run: .venv/bin/python benchmarks/widget_latency.py [--repeat 30]
Writes benchmarks/results/widget_latency.json and prints a table; exits 1 if a median misses the target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from itertools import cycle
from pathlib import Path

import pandas as pd

from course.widgets import arsenal_drawdown, channels_view, cycle_simulator, timeline_explorer

TARGET_MS = 100.0


def scenarios():
    """(name, widget, control, values to cycle through, output widget to read)."""
    timeline = timeline_explorer()
    arsenal = arsenal_drawdown()
    channels = channels_view()
    sim = cycle_simulator()
    months = [pd.Timestamp(m) for m in pd.date_range("1992-01-01", "2001-12-01", freq="7MS")]
    return [
        ("timeline: toggle a case", timeline.controls["cases"]["context"], [True, False], timeline.outputs["figure"]),
        (
            "timeline: change the date range",
            timeline.controls["dates"],
            [
                (pd.Timestamp("2018-01-01"), pd.Timestamp("2018-06-01")),
                (pd.Timestamp("2017-07-01"), pd.Timestamp("2019-06-01")),
            ],
            timeline.outputs["figure"],
        ),
        ("arsenal: move the date slider", arsenal.controls["date"], months, arsenal.outputs["figure"]),
        (
            "channels: toggle formality",
            channels.controls["formality"],
            ["formal only", "informal only", "all contacts"],
            channels.outputs["figure"],
        ),
        ("cycle: move US involvement", sim.controls["us_involvement"], [0.0, 0.5, 1.0], sim.outputs["figure"]),
    ]


def measure(control, values, output, repeat: int) -> list[float]:
    timings, source = [], cycle(values)
    for _ in range(repeat):
        value = next(source)
        if control.value == value:
            value = next(source)
        before = output.value
        start = time.perf_counter()
        control.value = value
        elapsed = (time.perf_counter() - start) * 1000
        assert output.value != before, "the view did not change"
        timings.append(elapsed)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results, ok = [], True
    for name, control, values, output in scenarios():
        timings = measure(control, values, output, args.repeat)
        median = statistics.median(timings)
        p90 = sorted(timings)[int(0.9 * (len(timings) - 1))]
        ok &= median < TARGET_MS
        results.append({"scenario": name, "median_ms": round(median, 1), "p90_ms": round(p90, 1), "runs": len(timings)})
        print(f"{name:<36} median {median:6.1f} ms   p90 {p90:6.1f} ms   {'OK' if median < TARGET_MS else 'SLOW'}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "widget_latency.json").write_text(json.dumps({"target_ms": TARGET_MS, "results": results}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
