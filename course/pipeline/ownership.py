"""What a course command wrote as root is given back to the owner of the course root.

On a hub the instructor grades with `sudo course grade`: only root gets the grader's full isolation
(course.autograder.sandbox). The course root and everything in it is the instructor's, though, and
root-owned copies in autograded/ (or feedback/, or a gradebook root created) would stop the
instructor's own next `course grade`, `course feedback` or formgrader save with a PermissionError.
So a command that writes into the course root calls `give_back` afterwards.

Only entries owned by the user running the command are changed (what it made; nothing of anyone
else's), only inside the course root, and symbolic links are never followed: folders are walked
through open directory descriptors (os.fwalk), so a folder swapped for a link during the walk leads
nowhere outside.
"""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Iterable
from pathlib import Path


def course_owner(root: Path) -> tuple[int, int]:
    """(uid, gid) of the course root."""
    info = os.stat(root)
    return info.st_uid, info.st_gid


def owner_name(root: Path) -> str:
    """The account that owns the course root (its uid when it has no name)."""
    uid = course_owner(root)[0]
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def sqlite_files(db_url: str) -> list[Path]:
    """The files of a SQLite gradebook (the database and its journals); none for a server database."""
    if not db_url.startswith("sqlite:///"):
        return []
    database = Path(db_url.removeprefix("sqlite:///"))
    return [database] + [database.with_name(database.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def give_back(root: Path, paths: Iterable[Path]) -> int:
    """Give `paths` (files or folders, with everything in them) and the folders between them and
    `root` to the owner of `root`, when this process runs as root and the course root belongs to
    someone else. Returns how many entries changed owner (0 when there is nothing to do)."""
    me = os.geteuid()
    if me != 0:
        return 0
    root = Path(root).resolve()
    uid, gid = course_owner(root)
    if uid == me:
        return 0
    changed = 0
    seen: set[Path] = set()
    for path in paths:
        path = Path(os.path.abspath(path))
        if not path.is_relative_to(root) or path == root:
            continue
        # the folders between the course root and the path (autograded/, autograded/<student>/)
        current = root
        for part in path.relative_to(root).parts:
            current = current / part
            if current in seen:
                continue
            seen.add(current)
            try:
                info = os.lstat(current)
            except FileNotFoundError:
                break
            if stat.S_ISLNK(info.st_mode):
                break  # never through a link
            if info.st_uid == me:
                os.chown(current, uid, gid, follow_symlinks=False)
                changed += 1
        else:
            if os.path.isdir(path) and not os.path.islink(path):
                changed += _give_back_tree(path, me, uid, gid)
    return changed


def _give_back_tree(top: Path, me: int, uid: int, gid: int) -> int:
    changed = 0
    for _folder, folders, files, fd in os.fwalk(top, follow_symlinks=False):
        for name in folders + files:
            try:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            if info.st_uid == me and not stat.S_ISLNK(info.st_mode):
                os.chown(name, uid, gid, dir_fd=fd, follow_symlinks=False)
                changed += 1
    return changed
