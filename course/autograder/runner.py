"""The verdict runner: the instructor's setup and test cells, run in a pristine process forked from
the zygote, without a Jupyter kernel.

The verdict kernel (course.autograder.verdict) runs nothing but instructor code and plain data,
so it needs none of what makes a Jupyter kernel expensive to start and to talk to: ZeroMQ sockets,
a heartbeat, the kernel_info handshake, message signing, an nbclient on the grader's side. This
runner is the same pristine, sandboxed process (forked by the zygote, in the sandbox, as the
verdict uid, in its own cgroup or watched), which runs the cells in an IPython shell in-process
and writes their outputs, in nbformat's shape, to a file in its scratch folder:

    verdict.json (written by the grader)  ->  runner  ->  outputs.json (read by the grader)

IPython's own machinery produces the outputs (the display formatter for results, the structured
traceback for errors), so a test cell's outputs, and therefore its score under nbgrader's rule,
are what a kernel would have produced. Each cell has a time limit (an alarm in the runner; the
grader also kills the whole process at the submission's deadline), and the kept output is capped.
"""

from __future__ import annotations

import json
import os
import signal
import sys

INPUT, OUTPUT = "verdict.json", "outputs.json"


class CellTimeout(Exception):
    pass


class _Stream:
    """sys.stdout / sys.stderr for one cell: consecutive text joins one stream output."""

    def __init__(self, name: str, outputs: list, budget: list[int]):
        self.name, self.outputs, self.budget = name, outputs, budget

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        if self.budget[0] <= 0:
            return len(text)
        kept = text[: self.budget[0]]
        self.budget[0] -= len(kept)
        if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1]["name"] == self.name:
            self.outputs[-1]["text"] += kept
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": kept})
        if self.budget[0] <= 0:
            self.outputs.append(
                {
                    "output_type": "stream",
                    "name": "stdout",
                    "text": "\n[output truncated by the grader: too much output]\n",
                }
            )
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def run(folder: str) -> int:
    import time

    t0 = time.monotonic()
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    with open(os.path.join(folder, INPUT), encoding="utf-8") as file:
        job = json.load(file)
    cell_timeout, budget = float(job["cell_timeout"]), [int(job["max_output_bytes"])]
    current: list = []

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            current.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            current.append(
                {
                    "output_type": "execute_result",
                    "data": format_dict,
                    "metadata": md_dict or {},
                    "execution_count": self.shell.execution_count,
                }
            )

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    shell = InteractiveShell.instance(config=config, display_pub_class=Publisher, displayhook_class=Hook)

    def show_traceback(etype, evalue, stb):
        current.append(
            {
                "output_type": "error",
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue),
                "traceback": [line[:2000] for line in stb[-50:]],
            }
        )

    shell._showtraceback = show_traceback

    def alarm(_signum, _frame):
        raise CellTimeout(f"cell exceeded {cell_timeout:.0f} s")

    signal.signal(signal.SIGALRM, alarm)
    t_shell = time.monotonic() - t0
    results: list = []
    for cell in job["cells"]:
        source, after = cell["source"], cell.get("unless_error_in")
        if after is not None and any(o.get("output_type") == "error" for o in results[after]):
            failed = next(o for o in results[after] if o.get("output_type") == "error")
            results.append(
                [
                    {
                        "output_type": "error",
                        "ename": "AnswerNotCheckable",
                        "evalue": failed["evalue"],
                        "traceback": [f"AnswerNotCheckable: {failed['evalue']}"],
                    }
                ]
            )
            continue
        current = []
        real_out, real_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream("stdout", current, budget), _Stream("stderr", current, budget)
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            shell.run_cell(source, store_history=True, silent=False)
        except CellTimeout as exc:  # raised outside the cell's own code
            show_traceback(CellTimeout, exc, [f"CellTimeout: {exc}"])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_out, real_err
        results.append(current)
        partial = os.path.join(folder, OUTPUT + ".part")
        with open(partial, "w", encoding="utf-8") as file:  # rewritten after every cell: a crash keeps what ran
            json.dump(
                {"cells": results, "seconds": {"shell": t_shell, "cells": time.monotonic() - t0 - t_shell}},
                file,
                default=str,
            )
        os.replace(partial, os.path.join(folder, OUTPUT))
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
