"""Is the fact base valid, sourced and complete, and do the loaders fail clearly on bad files?"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package

from course import analysis, data
from course.paths import course_root

DATA = course_root() / "data"
LOADERS = {
    "sources": data.load_sources,
    "actors": data.load_actors,
    "events": data.load_events,
    "event_actors": data.load_event_actors,
    "meetings": data.load_meetings,
    "arsenal": data.load_arsenal,
    "nk_tests": data.load_nk_tests,
    "nk_missile_counts": data.load_missile_counts,
    "agreements": data.load_agreements,
    "claims": data.load_claims,
    "cycles": data.load_cycles,
}


# --- the package as committed -----------------------------------------------------------


def test_frictionless_validates_the_package():
    """Types, allowed values, patterns, primary and foreign keys, sizes and SHA-256 hashes."""
    report = Package(str(DATA / "datapackage.json")).validate()
    errors = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors] + [e.message for e in report.errors]
    assert report.valid, "\n".join(errors[:20]) + "\n(after editing data/, run: python scripts/refresh_data_hashes.py)"


def test_readme_lists_every_file_with_its_hash():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for resource in json.loads((DATA / "datapackage.json").read_text())["resources"]:
        digest = hashlib.sha256((DATA / resource["path"]).read_bytes()).hexdigest()
        assert f"`{resource['path']}`" in readme and digest in readme, (
            f"data/README.md has no current SHA-256 for {resource['path']}: run python scripts/refresh_data_hashes.py"
        )


def test_every_table_has_a_loader():
    assert set(LOADERS) == set(data.table_names())


@pytest.mark.parametrize("name", list(LOADERS))
def test_every_row_has_a_dated_source(name):
    table = LOADERS[name]()
    sources = set(data.load_sources()["source_id"])
    assert len(table) > 0
    if name == "event_actors":
        return  # a link table: its rows are dated and sourced through events.csv
    if name != "sources":
        assert table["source_id"].notna().all() and table["source_id"].isin(sources).all()
    if name == "cycles":
        return  # dated through its start and end events (test_cycles_are_dated_by_their_events)
    date_column = {"sources": "published", "actors": "role_as_of"}.get(name, "date")
    assert pd.api.types.is_datetime64_any_dtype(table[date_column]) and table[date_column].notna().all()
    assert set(table["date_precision"].astype(str)) <= {"day", "month", "year"}


# --- typed, cached, copied ------------------------------------------------------------------


def test_loaders_return_typed_frames():
    events = data.load_events()
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert isinstance(events["case"].dtype, pd.CategoricalDtype)
    assert (
        list(events["case"].cat.categories)
        == analysis.CASES
        == ["korea", "ukraine", "context", "korea-earlier", "post-soviet"]
    )
    assert events["date"].is_monotonic_increasing
    arsenal = data.load_arsenal()
    assert str(arsenal["count_best"].dtype) == "Int64"
    assert data.load_meetings()["formal"].dtype == bool
    assert str(data.load_nk_tests()["yield_high_kt"].dtype) == "Float64"


def test_a_student_cannot_change_what_the_next_cell_loads():
    events = data.load_events()
    events.loc[0, "title"] = "changed"
    del events["case"]
    fresh = data.load_events()
    assert "case" in fresh.columns and fresh.loc[0, "title"] != "changed"


def test_validation_runs_once(monkeypatch):
    data.load_events()
    calls = []
    monkeypatch.setattr(data, "_read", lambda *a: calls.append(a))
    data.load_claims()
    assert calls == []


# --- content: the article's events and the known discrepancies are in the data -----------------

ARTICLE_EVENTS = {
    # what the article names -> the event that records it
    "KOR-17": ("2018-05-24", "Trump calls off the Singapore summit"),
    "KOR-09": ("2018-04-27", "first inter-Korean summit"),
    "KOR-20": ("2018-05-26", "second inter-Korean summit"),
    "KOR-21": ("2018-05-27", "Moon's announcement the following day"),
    "KOR-23": ("2018-06-01", "officials meet on 1 June"),
    "KOR-16": ("2018-05-24", "Punggye-ri dismantlement"),
    "KOR-25": ("2018-06-12", "Trump-Kim summit in Singapore"),
    "KOR-27": ("2018-06-14", "military talks in the photo caption"),
    "KOR-29": ("2018-07-06", "Pompeo's meeting with his counterpart"),
    "UKR-24": ("1996-06-01", "Ukraine's warheads gone by 1996"),
    "UKR-16": ("1993-11-18", "the Rada bargains over START"),
    "UKR-22": ("1994-12-05", "security assurances (Budapest)"),
}


@pytest.mark.parametrize("event_id", list(ARTICLE_EVENTS))
def test_events_the_article_names_are_recorded(event_id):
    events = data.load_events().set_index("event_id")
    date, what = ARTICLE_EVENTS[event_id]
    assert events.loc[event_id, "date"] == pd.Timestamp(date), what


def test_the_data_says_what_the_record_says_where_the_article_differs():
    """Punggye-ri (24 May) comes before the second summit (26 May). The article does not date the
    demolition, so its sincerity reading (C10) is not a checkable fact; the checkable weak point
    is "These results convinced Washington" (C12): the demolition was complete hours before the
    cancellation letter of the same day (KOR-17)."""
    events = data.load_events().set_index("event_id")
    assert events.loc["KOR-16", "date"] < events.loc["KOR-20", "date"]
    assert events.loc["KOR-16", "date"] == events.loc["KOR-17", "date"]
    claims = data.load_claims().set_index("claim_id")
    assert claims.loc["C10", "verdict"] == "not_testable" and claims.loc["C10", "event_id"] == "KOR-16"
    assert claims.loc["C12", "verdict"] == "misleading" and claims.loc["C12", "event_id"] == "KOR-17"
    assert claims.loc["C18", "verdict"] == "unverified" and claims.loc["C18", "confidence"] == "low"


def test_cycles_are_dated_by_their_events():
    """A cycle opens with the event of its founding agreement and closes after it; its further
    sources exist. The lengths module 06 compares with the model come from these events."""
    cycles = data.load_cycles()
    events = data.load_events().set_index("event_id")["date"]
    agreements = data.load_agreements().set_index("agreement_id")["event_id"]
    assert list(cycles["cycle_id"]) == sorted(
        cycles["cycle_id"], key=lambda c: events[cycles.set_index("cycle_id").loc[c, "start_event_id"]]
    )
    for row in cycles.itertuples():
        assert agreements[row.agreement_id] == row.start_event_id, row.cycle_id
        assert events[row.end_event_id] > events[row.start_event_id], row.cycle_id
        others = [] if pd.isna(row.other_source_ids) else row.other_source_ids.split(";")
        assert set(others) <= set(data.load_sources()["source_id"]), row.cycle_id
    days = {r.cycle_id: (events[r.end_event_id] - events[r.start_event_id]).days for r in cycles.itertuples()}
    assert days["CYC-2012"] == 44 and days["CYC-1994"] == 3003  # Leap Day: seven weeks; Agreed Framework: eight years


VERDICTS_BY_TYPE = {
    # a fact can be checked against the record; a forecast against what happened; a
    # recommendation (normative) can be argued with, but is neither true nor false
    "factual": {"accurate", "imprecise", "misleading", "unverified"},
    "causal": {"accurate", "imprecise", "misleading", "unverified", "not_testable"},
    "predictive": {"borne_out", "partly_borne_out", "not_borne_out", "not_testable"},
    "normative": {"not_testable"},
}


def test_each_verdict_fits_the_kind_of_claim():
    claims = data.load_claims()
    wrong = [
        (row.claim_id, str(row.claim_type), str(row.verdict))
        for row in claims.itertuples()
        if str(row.verdict) not in VERDICTS_BY_TYPE[str(row.claim_type)]
    ]
    assert not wrong, f"verdicts that do not fit their claim type: {wrong}"


def test_claims_cover_every_type_and_a_range_of_verdicts():
    claims = data.load_claims()
    assert set(claims["claim_type"].astype(str)) == {"factual", "causal", "normative", "predictive"}
    assert {"accurate", "imprecise", "misleading", "unverified"} <= set(claims["verdict"].astype(str))


def test_cases_cover_their_periods():
    events = data.load_events()
    years = lambda case: set(events.loc[events["case"] == case, "date"].dt.year)
    assert {2018, 2019} <= years("korea") and min(years("ukraine")) <= 1990 and max(years("ukraine")) >= 2001


# --- bad files give one clear error and change nothing ------------------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    data.clear_cache()
    yield copy
    monkeypatch.delenv("COURSE_DATA_DIR")
    data.clear_cache()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda d: (d / "events.csv").unlink(), r"events\.csv is missing"),
        (lambda d: (d / "datapackage.json").write_text("{not json"), r"not a valid data package"),
        (
            lambda d: _edit(d / "events.csv", "2018-05-26,day", "2018-05-32,day"),
            r"line \d+, column 'date': '2018-05-32' is not a valid date",
        ),
        (
            lambda d: _edit(d / "events.csv", ",korea,", ",koreas,"),
            r"column 'case': 'koreas'.*allowed: korea, ukraine, context",
        ),
        (
            lambda d: _edit(d / "events.csv", "xinhua-2018-05-25", "no-such-source"),
            r"'no-such-source' is not a source_id in sources\.csv",
        ),
        (
            lambda d: _edit(d / "arsenal.csv", "1600,1900,2000", "2100,1900,2000"),
            r"count_low <= count_best <= count_high",
        ),
        (lambda d: _edit(d / "events.csv", "KOR-20,", "KOR-19,"), r"repeats an earlier row"),
        (lambda d: _edit(d / "events.csv", "event_id,date", "id,date"), r"wrong columns.*missing \['event_id'\]"),
        (
            lambda d: (d / "sources.csv").write_bytes(
                (d / "sources.csv").read_bytes().replace(b"Weekly", b"Week\xefy")
            ),
            r"not UTF-8",
        ),
        (
            lambda d: _edit(d / "meetings.csv", ",true,held,", ",yes,held,"),
            r"column 'formal': 'yes' is not a valid boolean",
        ),
        (
            lambda d: _edit(d / "events.csv", "1999-01-01,year", "1999-03-01,year"),
            r"year-precision date must be the first day",
        ),
        (
            lambda d: _edit(
                d / "cycles.csv",
                "CYC-2012,'Leap Day' understanding,CTX-22,CTX-23",
                "CYC-2012,'Leap Day' understanding,CTX-23,CTX-22",
            ),
            r"(?s)cycles\.csv has 1 problem.*line 5: the end event comes before the start event",
        ),
        (
            lambda d: _edit(d / "cycles.csv", ";reuters-2012-04-13-food-aid,", ";reuters-2012-04-31-food-aid,"),
            r"other_source_ids \['reuters-2012-04-31-food-aid'\] are not in sources\.csv",
        ),
    ],
)
def test_broken_data_gives_a_clear_error(data_copy, breakage, expected):
    breakage(data_copy)
    with pytest.raises(data.DataError, match=expected):
        data.load_events()


def test_a_broken_copy_leaves_the_course_data_alone(data_copy):
    before = {p.name: p.read_bytes() for p in DATA.iterdir() if p.is_file()}
    (data_copy / "claims.csv").write_text("garbage")
    with pytest.raises(data.DataError):
        data.load_claims()
    assert before == {p.name: p.read_bytes() for p in DATA.iterdir() if p.is_file()}


def test_unknown_table_name():
    with pytest.raises(data.DataError, match="no table named 'warheads'"):
        data.load("warheads")
