"""Run notebook cells in a forked, sandboxed process, without a Jupyter kernel.

Two users, one machinery (an IPython shell in-process, whose own display formatter and structured
tracebacks produce the outputs, so a cell's outputs are what a kernel would have produced):

- the verdict runner (`run`): the instructor's setup and test cells in a pristine process forked
  from the zygote (course.autograder.verdict). It runs nothing but instructor code and plain data,
  so it needs none of what makes a Jupyter kernel expensive to start and to talk to: ZeroMQ
  sockets, a heartbeat, the kernel_info handshake, message signing, an nbclient on the grader's
  side. verdict.json (written by the grader) -> run -> outputs.json (read by the grader). Each
  cell has a time limit (an alarm in the runner; the grader also kills the whole process at the
  submission's deadline).
- the student runner (`run_student`): the student's cells, in place of a Jupyter kernel
  (course.autograder.kernelless drives it). Student code controls everything in this process,
  so nothing here is trusted: the grader enforces every limit from outside (it interrupts a cell
  with SIGINT, kills the process, watches memory, processes and disk between and during cells),
  reads the outputs as untrusted data, and decides no verdict from them (the tests run in the
  verdict runner, on exported values). What student code can forge here is its own outputs and
  the pace of its own cells, as it could in a kernel.

    grader                                        student runner (fd 3: a stream socket, a line each)
    ------                                        -----------------------------------------
    .course-cells.json (the code cells)   ->      reads it, removes it, builds the shell
                                          <-      {"ready": true}
                                          <-      {"start": i}      runs cell i
                                          <-      {"end": i}        after appending cell i's outputs
    checks disk, time                     ->      "go"              (nothing else starts cell i+1)
                                                  .course-outputs.jsonl: one line per cell
"""

from __future__ import annotations

import json
import os
import signal
import sys

INPUT, OUTPUT = "verdict.json", "outputs.json"  # the verdict runner's, in its scratch folder
CELLS, OUTPUTS = ".course-cells.json", ".course-outputs.jsonl"  # the student runner's, in the workdir
CHANNEL_FD = 3  # the student runner's socket to the grader, passed by the zygote
TRUNCATED = "\n[output truncated by the grader: too much output]\n"


class CellTimeout(Exception):
    pass


class _Capture:
    """The running cell's outputs, in nbformat's shape, within the submission's output budget
    (every output counts but errors, which the grader caps by lines, as for a kernel)."""

    def __init__(self, budget: int):
        self.left = budget
        self.outputs: list[dict] = []
        self.clear_on_next = False
        self.truncated = False

    def add(self, output: dict, size: int) -> dict | None:
        if self.clear_on_next:
            self.outputs.clear()
            self.clear_on_next = False
        if output.get("output_type") != "error":
            if self.left <= 0:
                return None
            self.left -= size
            if self.left < 0:
                if not self.truncated:
                    self.truncated = True
                    self.outputs.append({"output_type": "stream", "name": "stdout", "text": TRUNCATED})
                return None
        self.outputs.append(output)
        return output

    def text(self, name: str, text: str) -> None:
        if not text:  # IPython writes empty separators around a result
            return
        if self.clear_on_next:
            self.outputs.clear()
            self.clear_on_next = False
        if self.left <= 0:
            return
        # counted as the grader reads it: bytes of JSON (a character outside ASCII takes 6 or 12)
        cost = len(json.dumps(text)) - 2
        kept = text if cost <= self.left else text[: self.left * len(text) // cost]
        self.left -= cost
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last["name"] == name:
            last["text"] += kept
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": kept})
        if self.left <= 0 and not self.truncated:
            self.truncated = True
            self.outputs.append({"output_type": "stream", "name": "stdout", "text": TRUNCATED})


class _Stream:
    """sys.stdout / sys.stderr for one cell: consecutive text joins one stream output."""

    def __init__(self, name: str, capture: _Capture):
        self.name, self.capture = name, capture

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        self.capture.text(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Cells:
    """An IPython shell whose outputs go to `self.capture` (one per cell: `begin`)."""

    def __init__(self, budget: int):
        from IPython.core.displayhook import DisplayHook
        from IPython.core.displaypub import DisplayPublisher
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        cells = self
        self.capture = _Capture(budget)
        self.by_display_id: dict[str, list[dict]] = {}
        self.updates: list[dict] = []  # display updates of earlier cells' outputs, for the grader

        class Publisher(DisplayPublisher):
            def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
                cells.display(data, metadata or {}, (transient or {}).get("display_id"), update)

            def clear_output(self, wait=False):
                if wait:
                    cells.capture.clear_on_next = True
                else:
                    cells.capture.outputs.clear()

        class Hook(DisplayHook):
            def write_output_prompt(self):
                pass

            def write_format_data(self, format_dict, md_dict=None):
                output = {
                    "output_type": "execute_result",
                    "data": format_dict,
                    "metadata": md_dict or {},
                    "execution_count": self.shell.execution_count,
                }
                cells.capture.add(output, _size(format_dict))

        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        self.shell = InteractiveShell.instance(config=config, display_pub_class=Publisher, displayhook_class=Hook)
        self.shell._showtraceback = self.show_traceback

    def display(self, data: dict, metadata: dict, display_id: str | None, update: bool) -> None:
        if update and display_id is not None:
            targets = self.by_display_id.get(display_id, [])
            cost = _size(data) * len(targets)  # an update costs what it writes into every output it changes
            if cost > self.capture.left:
                return
            self.capture.left -= cost
            for output in targets:
                output["data"], output["metadata"] = data, metadata
            current = {id(o) for o in self.capture.outputs}
            if any(id(o) not in current for o in self.by_display_id.get(display_id, [])):
                self.updates.append({"update": display_id, "data": data, "metadata": metadata})
            return
        output = {"output_type": "display_data", "data": data, "metadata": metadata}
        if display_id is not None:
            output["display_id"] = display_id  # the grader applies later updates by it, then drops it
        if self.capture.add(output, _size(data)) is not None and display_id is not None:
            self.by_display_id.setdefault(display_id, []).append(output)

    def show_traceback(self, etype, evalue, stb) -> None:
        self.capture.add(
            {
                "output_type": "error",
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue),
                "traceback": [line[:2000] for line in stb[-50:]],
            },
            0,
        )

    def begin(self) -> None:
        self.capture.outputs = []
        self.capture.clear_on_next = False

    def redirect(self):
        real = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream("stdout", self.capture), _Stream("stderr", self.capture)
        return real


def _size(data) -> int:
    try:
        return len(json.dumps(data, default=str))
    except (TypeError, ValueError):
        return 1 << 30


# --- the verdict runner ------------------------------------------------------------------------------


def run(folder: str) -> int:
    import time

    t0 = time.monotonic()
    with open(os.path.join(folder, INPUT), encoding="utf-8") as file:
        job = json.load(file)
    cell_timeout = float(job["cell_timeout"])
    cells = Cells(int(job["max_output_bytes"]))

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
        cells.begin()
        real_out, real_err = cells.redirect()
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            cells.shell.run_cell(source, store_history=True, silent=False)
        except CellTimeout as exc:  # raised outside the cell's own code
            cells.show_traceback(CellTimeout, exc, [f"CellTimeout: {exc}"])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_out, real_err
        results.append(cells.capture.outputs)
        partial = os.path.join(folder, OUTPUT + ".part")
        with open(partial, "w", encoding="utf-8") as file:  # rewritten after every cell: a crash keeps what ran
            json.dump(
                {"cells": results, "seconds": {"shell": t_shell, "cells": time.monotonic() - t0 - t_shell}},
                file,
                default=str,
            )
        os.replace(partial, os.path.join(folder, OUTPUT))
    return 0


# --- the student runner ------------------------------------------------------------------------------


def run_student(job_path: str) -> int:
    """Run the code cells of `job_path` one at a time, as the grader allows (see the module's
    docstring). Ends quietly when the grader goes away or stops answering."""
    import builtins
    import socket

    from IPython.core.error import StdinNotImplementedError

    channel = socket.socket(fileno=CHANNEL_FD)
    with open(job_path, encoding="utf-8") as file:
        job = json.load(file)
    os.unlink(job_path)
    out = os.open(OUTPUTS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    cells = Cells(int(job["max_output_bytes"]))
    cells.shell.system = cells.shell.system_piped  # `!cmd` output into the cell, as in ipykernel
    sys.path.insert(0, "")  # the submission's own modules import, as in ipykernel (IPython's init_path)

    def no_input(prompt=""):  # as ipykernel without a frontend that answers input requests
        raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")

    builtins.input = no_input
    in_cell = [False]

    def interrupt(_signum, _frame):  # the grader's cell timeout; ignored between cells
        if in_cell[0]:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)

    def say(message: dict) -> None:
        channel.sendall(json.dumps(message).encode() + b"\n")

    def allowed() -> bool:
        """The grader's "go" for the next cell; anything else (or its end) ends the runner."""
        heard = b""
        while not heard.endswith(b"\n") and len(heard) < 16:
            chunk = channel.recv(16)
            if not chunk:
                return False
            heard += chunk
        return heard == b"go\n"

    def record(line: dict) -> None:
        data = (json.dumps(line, default=str) + "\n").encode()
        while data:
            data = data[os.write(out, data) :]

    say({"ready": True})
    for index, source in job["cells"]:
        say({"start": index})
        cells.begin()
        count = cells.shell.execution_count
        real_out, real_err = cells.redirect()
        in_cell[0] = True
        try:
            cells.shell.run_cell(source, store_history=True, silent=False)
        except KeyboardInterrupt:  # the interrupt came in IPython's code around the cell
            cells.show_traceback(KeyboardInterrupt, "", ["KeyboardInterrupt"])
        finally:
            in_cell[0] = False
            sys.stdout, sys.stderr = real_out, real_err
        for update in cells.updates:
            record(update)
        cells.updates.clear()
        record({"cell": index, "execution_count": count, "outputs": cells.capture.outputs})
        say({"end": index})
        if not allowed():
            return 0
    return 0
