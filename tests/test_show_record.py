"""Can a learner read a row's notes in full (issue 16: tables cut them at 50 characters)?"""

from __future__ import annotations

import pytest

from course.data import DataError, load_events, show_record


def test_a_record_shows_every_field_in_full():
    events = load_events()
    longest = events.loc[events["notes"].str.len().idxmax()]
    assert len(longest["notes"]) > 50, "the test needs a note longer than a table cell shows"
    record = show_record("events", longest["event_id"])
    assert f"notes: {longest['notes']}" in repr(record)
    page = record._repr_html_()
    assert "<dt><strong>notes</strong></dt>" in page and longest["notes"][-30:].replace("'", "&#x27;") in page
    assert "<dt><strong>date</strong></dt>" in page and f"{longest['date']:%Y-%m-%d}" in page


def test_missing_values_and_unknown_ids():
    events = load_events()
    without_location = events.loc[events["location"].isna(), "event_id"].iloc[0]
    assert "location: (not recorded)" in repr(show_record("events", without_location))
    with pytest.raises(DataError, match="no row of events has event_id 'KOR-999'"):
        show_record("events", "KOR-999")
    assert "actor_id: " in repr(show_record("event_actors", "KOR-09")), "a two-column key matches its first column"
