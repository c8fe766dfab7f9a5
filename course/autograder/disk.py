"""The disk a submission fills: every file its kernel writes, counted together.

RLIMIT_FSIZE (c.GradingLimits.max_file_mb) stops any one file; a submission could still write
thousands of files just under it, and a full disk would stop the gradebook's writes for the whole
batch. A kernel can write only in its working folder (with namespaces the rest of the file system
is read-only or a small tmpfs; Landlock allows the same one folder), so the grader adds up that
folder while each cell runs and when it ends, and stops the kernel past c.GradingLimits.max_disk_mb
or max_files, as it stops a kernel past its memory without a cgroup. Between two looks a fast
writer can overshoot by what it writes in half a second; the file-size limit bounds each file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class DiskWatch:
    """Blocks in use and files under one folder, looked at no more often than every `every` s."""

    def __init__(self, folder: Path, max_bytes: int, max_files: int, every: float = 0.5) -> None:
        self.folder, self.max_bytes, self.max_files, self.every = folder, max_bytes, max_files, every
        self.last = 0.0
        self.used_bytes = self.files = 0
        self.closed = False  # a folder the kernel closed that the grader could not open again

    def over(self) -> bool:
        return self.closed or self.used_bytes > self.max_bytes or self.files > self.max_files

    def check(self, force: bool = False) -> bool:
        """True when the folder holds more than the limits allow. Stops counting as soon as it
        does, so a folder of a million files costs no more than the limit's worth of them."""
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return self.over()
        self.last = now
        self.used_bytes = self.files = 0
        self.closed = False
        todo, reopened = [str(self.folder)], set()
        while todo and not self.over():
            folder = todo.pop()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        self.files += 1
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                todo.append(entry.path)
                            else:  # blocks in use: a sparse file counts what it really takes
                                self.used_bytes += entry.stat(follow_symlinks=False).st_blocks * 512
                        except OSError:
                            continue
                        if self.over():
                            break
            except PermissionError:
                # a folder the kernel closed to hide what it holds: a grader without root runs as
                # the kernel's own uid, so it may open it again (root reads it anyway)
                try:
                    if folder in reopened:  # opened, and still refused
                        raise PermissionError(folder)
                    reopened.add(folder)
                    os.chmod(folder, 0o700, follow_symlinks=False)
                    todo.append(folder)
                except OSError:
                    self.closed = True  # what cannot be counted is not allowed
            except OSError:
                continue
        return self.over()

    def message(self) -> str:
        if self.closed:
            return "the kernel closed a folder of its files to the grader and was stopped; later cells did not run"
        what = (
            f"more than {self.max_bytes >> 20} MB of files"
            if self.used_bytes > self.max_bytes
            else f"more than {self.max_files} files"
        )
        return f"the kernel wrote {what} and was stopped; later cells did not run"
