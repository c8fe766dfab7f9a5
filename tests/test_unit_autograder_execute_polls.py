"""A cell the grader stops takes nbclient's polls with it (course.autograder.execute._run_cell).

nbclient starts a kernel-alive poll per cell and cancels it only on its own paths; left running, it
later fails on the closed client and asyncio prints "Task exception was never retrieved" with a
traceback of nbclient's internals in the instructor's terminal. No kernel: stand-ins with nbclient's
method names."""

from __future__ import annotations

import asyncio

from course.autograder.execute import _run_cell


class _Client:
    """Starts its polls as nbclient's async_execute_cell does, then never gets a reply."""

    async def _async_poll_kernel_alive(self):
        while True:
            await asyncio.sleep(0.05)

    async def _async_poll_output_msg(self):
        await asyncio.sleep(3600)

    async def async_execute_cell(self, cell, index):
        self.polls = [
            asyncio.ensure_future(self._async_poll_kernel_alive()),
            asyncio.ensure_future(self._async_poll_output_msg()),
        ]
        await asyncio.sleep(3600)


class _Kernel:
    async def is_alive(self):
        return True


def test_a_cell_past_its_time_leaves_no_poll_running():
    async def scenario():
        kept = asyncio.ensure_future(asyncio.sleep(3600))  # a task of the caller's: not the cell's to end
        outcome = await _run_cell(_Client(), _Kernel(), cell=None, index=0, timeout=0.3)
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        names = sorted(t.get_coro().__qualname__ for t in pending)
        kept.cancel()
        return outcome, names

    outcome, names = asyncio.run(scenario())
    assert outcome == "timeout"
    assert names == ["sleep"], names  # only the caller's own task was still there
