"""course.autograder.disk: what a submission's files take, counted together and cheaply."""

from __future__ import annotations

import os

from course.autograder.disk import DiskWatch


def test_blocks_in_use_are_counted_across_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one").write_bytes(b"x" * (3 << 20))
    (tmp_path / "two").write_bytes(b"x" * (2 << 20))
    watch = DiskWatch(tmp_path, 4 << 20, 100)
    assert watch.check(force=True)
    assert watch.used_bytes > 4 << 20
    assert "more than 4 MB of files" in watch.message()
    assert not DiskWatch(tmp_path, 6 << 20, 100).check(force=True)


def test_a_sparse_file_counts_what_it_takes_not_its_length(tmp_path):
    with open(tmp_path / "sparse", "wb") as file:
        file.truncate(1 << 30)  # a gigabyte long, nothing written
    watch = DiskWatch(tmp_path, 1 << 20, 100)
    assert not watch.check(force=True)


def test_a_link_is_a_file_of_its_own_not_what_it_points_to(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big").write_bytes(b"x" * (2 << 20))
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(outside, inside / "link")
    watch = DiskWatch(inside, 1 << 20, 100)
    assert not watch.check(force=True)
    assert watch.files == 1


def test_too_many_files_and_counting_stops_at_the_limit(tmp_path):
    for i in range(50):
        (tmp_path / str(i)).touch()
    watch = DiskWatch(tmp_path, 1 << 30, 10)
    assert watch.check(force=True)
    assert watch.files == 11  # stopped as soon as it knew
    assert "more than 10 files" in watch.message()


def test_it_looks_again_only_after_its_interval_unless_forced(tmp_path):
    watch = DiskWatch(tmp_path, 1 << 20, 100, every=3600)
    assert not watch.check()
    (tmp_path / "big").write_bytes(b"x" * (2 << 20))
    assert not watch.check()  # within the interval: the last count
    assert watch.check(force=True)


def test_a_folder_that_went_away_is_empty(tmp_path):
    assert not DiskWatch(tmp_path / "gone", 1, 1).check(force=True)


def test_a_folder_the_kernel_closed_is_opened_and_counted(tmp_path, monkeypatch):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "big").write_bytes(b"x" * (2 << 20))
    hidden.chmod(0o000)
    real_scandir, refused = os.scandir, []

    def scandir(path):  # as a grader without root sees it (root would read it anyway)
        if path == str(hidden) and hidden.stat().st_mode & 0o777 == 0:
            refused.append(path)
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    watch = DiskWatch(tmp_path, 1 << 20, 100)
    assert watch.check(force=True)
    assert refused == [str(hidden)]
    assert "more than 1 MB of files" in watch.message()


def test_a_closed_folder_that_cannot_be_opened_counts_as_over(tmp_path, monkeypatch):
    (tmp_path / "hidden").mkdir()

    def scandir(path):
        if path.endswith("hidden"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "chmod", lambda *a, **k: (_ for _ in ()).throw(PermissionError(1, "not yours")))
    watch = DiskWatch(tmp_path, 1 << 30, 100)
    assert watch.check(force=True)
    assert "closed a folder" in watch.message()


def test_a_folder_still_refused_after_it_is_opened_counts_as_over(tmp_path, monkeypatch):
    (tmp_path / "hidden").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if path.endswith("hidden"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    watch = DiskWatch(tmp_path, 1 << 30, 100)
    assert watch.check(force=True)
    assert "closed a folder" in watch.message()
