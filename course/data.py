"""Read the course's tables from data/, validated, as typed DataFrames.

Why a loader instead of `pd.read_csv` in each notebook: every fact in the course must trace to a
row with a source, so the tables must match `data/datapackage.json` (columns, types, allowed
values, primary and foreign keys) before any notebook sees them. A broken or missing file gives
one clear `DataError` naming the file, line and column, instead of a wrong chart three cells later.

Who validates: frictionless, against datapackage.json; nothing here repeats its checks. It is
slow to start (seconds), so it runs only when it has something to say: datapackage.json records
each file's SHA-256 (`scripts/refresh_data_hashes.py` validates, then records them; the test suite
validates the committed package), and a file that still has its recorded hash is the validated
one. An edited file (an instructor adapting the course) is validated in full on first load.
What a schema cannot express (a month-precision date is the first of its month; low <= best <=
high) is checked here, on every load.

Types: dates become `datetime64`, fields with a fixed set of values become ordered-as-listed
categoricals, whole numbers become nullable `Int64`, decimals `Float64`, flags `bool`, text
pandas `string`. Each loader returns a fresh copy, so a student who edits a DataFrame cannot
change what the next cell (or the autograder) loads.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from course.errors import DataError
from course.paths import data_dir

__all__ = [
    "DataError",
    "clear_cache",
    "load",
    "load_actors",
    "load_agreements",
    "load_arsenal",
    "load_claims",
    "load_cycles",
    "load_event_actors",
    "load_events",
    "load_meetings",
    "load_missile_counts",
    "load_nk_tests",
    "load_sources",
    "show_record",
    "table_names",
    "validate",
]

_MAX_PROBLEMS_SHOWN = 10
_REFRESH = "after editing data/, run: python scripts/refresh_data_hashes.py"


def clear_cache() -> None:
    """Forget the validated tables (after editing data/ in a running kernel)."""
    _package.cache_clear()
    _tables.cache_clear()


@lru_cache(maxsize=1)
def _package() -> dict[str, dict]:
    """The resources of datapackage.json, by table name."""
    path = data_dir() / "datapackage.json"
    if not path.is_file():
        raise DataError(
            f"{path} is missing: the course cannot check its data without it. Restore it with `git checkout -- data/`."
        )
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        return {r["name"]: r for r in package["resources"]}
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not a valid data package descriptor: {exc}") from exc


def table_names() -> list[str]:
    """Names of all tables in the package, in the order datapackage.json lists them."""
    return list(_package())


def _fail(path: Path, problems: list[str]) -> None:
    shown = "\n  ".join(problems[:_MAX_PROBLEMS_SHOWN])
    more = f"\n  ... and {len(problems) - _MAX_PROBLEMS_SHOWN} more" if len(problems) > _MAX_PROBLEMS_SHOWN else ""
    raise DataError(f"{path} has {len(problems)} problem(s):\n  {shown}{more}")


# --- validation: frictionless, when a file is not the one whose hash was recorded --------------


def _path(resource: dict) -> Path:
    return data_dir() / resource["path"]


def _unchanged(resource: dict) -> bool:
    recorded = str(resource.get("hash", "")).removeprefix("sha256:")
    return bool(recorded) and hashlib.sha256(_path(resource).read_bytes()).hexdigest() == recorded


def _field(resource: dict, name: str | None) -> dict:
    return next((f for f in resource["schema"]["fields"] if f["name"] == name), {})


def _describe(error: dict, resource: dict) -> str:
    """One frictionless error in the course's words: file line, column, value, the rule broken."""
    kind, line, column, value = error["type"], error.get("rowNumber"), error.get("fieldName"), error.get("cell")
    where = f"line {line}, column '{column}'" if line and column else f"line {line}" if line else ""
    if kind == "type-error":
        return f"{where}: {value!r} is not a valid {_field(resource, column).get('type', 'value')}"
    if kind == "constraint-error":
        rule = re.search(r'constraint "(\w+)"', error.get("note", ""))
        rule = rule.group(1) if rule else ""
        limit = _field(resource, column).get("constraints", {}).get(rule)
        if rule == "required":
            return f"{where}: value required"
        if rule == "enum":
            return f"{where}: {value!r} is not allowed (allowed: {', '.join(map(str, limit))})"
        if rule == "pattern":
            return f"{where}: {value!r} does not match the pattern {limit}"
        if rule == "maxLength":
            return f"{where}: {value!r} is too long (at most {limit} characters)"
        if rule in ("minimum", "maximum"):
            return f"{where}: {value} is outside the {rule} {limit}"
        return f"{where}: {value!r} breaks the rule {rule!r} {limit}"
    if kind in ("unique-error", "primary-key"):
        key = resource["schema"].get("primaryKey")
        return f"{where}: {f'primary key {key}' if kind == 'primary-key' else repr(value)} repeats an earlier row"
    if kind == "foreign-key":
        (field,) = error["fieldNames"]
        fk = next(k for k in resource["schema"]["foreignKeys"] if k["fields"] == field)
        target = fk["reference"]
        bad = error["cells"][[f["name"] for f in resource["schema"]["fields"]].index(field)]
        return (
            f"line {line}, column '{field}': {bad!r} is not a {target['fields']} in "
            f"{_package()[target['resource']]['path']}"
        )
    return f"{where + ': ' if where else ''}{error.get('message') or error.get('note') or kind}"


def _header_problem(resource: dict) -> str | None:
    """The clear message for a table whose columns are not the schema's, or None."""
    expected = [f["name"] for f in resource["schema"]["fields"]]
    try:
        header = pd.read_csv(_path(resource), nrows=0, dtype=str, encoding="utf-8").columns.tolist()
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if header == expected:
        return None
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    return (
        f"{_path(resource)} has the wrong columns: expected {expected}"
        + (f"; missing {missing}" if missing else "")
        + (f"; unexpected {extra}" if extra else "")
        + ("; same columns in another order" if not missing and not extra else "")
    )


def validate() -> None:
    """Validate every table with frictionless against datapackage.json; raise DataError for the
    first table (in the package's order) that breaks it."""
    from frictionless import Package  # slow to import: only when there is something to check

    resources = _package()
    for resource in resources.values():
        problem = _header_problem(resource)
        if problem:
            raise DataError(problem)
    try:
        report = Package(str(data_dir() / "datapackage.json")).validate()
    except Exception as exc:  # a descriptor frictionless cannot even open
        raise DataError(f"{data_dir() / 'datapackage.json'} cannot be validated: {exc}") from exc
    for task in report.tasks:
        errors = [e.to_descriptor() for e in task.errors if e.type not in ("hash-count", "byte-count")]
        if not errors:
            continue
        resource = resources[task.name]
        if any(e["type"] == "encoding-error" for e in errors):
            raise DataError(f"{_path(resource)} is not UTF-8 text")
        _fail(_path(resource), [_describe(e, resource) for e in errors])
    if report.errors:
        raise DataError("; ".join(e.message for e in report.errors))


def _check_files() -> None:
    """Every table is present; validate the package unless every file has its recorded hash."""
    resources = _package()
    for name, resource in resources.items():
        if not _path(resource).is_file():
            raise DataError(
                f"{_path(resource)} is missing (table '{name}' in datapackage.json). "
                "Restore it with `git checkout -- data/`."
            )
    if not all(_unchanged(r) for r in resources.values()):
        validate()


# --- typing --------------------------------------------------------------------------------


def _typed(raw: pd.Series, field: dict) -> pd.Series:
    """One column of (valid) strings as the field's type."""
    kind, constraints = field.get("type", "string"), field.get("constraints", {})
    present = raw != ""
    if kind == "date":
        return pd.to_datetime(raw.where(present), format="%Y-%m-%d")
    if kind == "integer":
        return pd.to_numeric(raw.where(present)).astype("Int64")
    if kind == "number":
        return pd.to_numeric(raw.where(present)).astype("Float64")
    if kind == "boolean":
        values = raw.map({"true": True, "false": False})
        return values.fillna(False).astype(bool) if constraints.get("required") else values.astype("boolean")
    if "enum" in constraints:
        return pd.Series(
            pd.Categorical(raw.where(present), categories=constraints["enum"]), index=raw.index, name=field["name"]
        )
    return raw.where(present).astype("string")


def _read(resource: dict) -> pd.DataFrame:
    path = _path(resource)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text: {exc}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path} is not a readable CSV table: {exc}") from exc
    fields = resource["schema"]["fields"]
    return pd.DataFrame({f["name"]: _typed(raw[f["name"]], f) for f in fields}, index=raw.index)


def _line(index: int) -> int:
    """CSV line number of a data row (line 1 is the header)."""
    return int(index) + 2


def _check_rules(tables: dict[str, pd.DataFrame]) -> None:
    """Cross-column and cross-table rules a schema cannot express."""
    for name, table in tables.items():
        problems = []
        if "date_precision" in table.columns:
            date_col = {"sources": "published", "actors": "role_as_of"}.get(name, "date")
            dates, precision = table[date_col], table["date_precision"].astype(str)
            coarse = ((precision == "month") & (dates.dt.day != 1)) | (
                (precision == "year") & ((dates.dt.day != 1) | (dates.dt.month != 1))
            )
            for idx in table.index[coarse]:
                problems.append(
                    f"line {_line(idx)}: a {precision[idx]}-precision date must be the first day "
                    f"of its {precision[idx]} (got {dates[idx].date()})"
                )
        if {"count_low", "count_best", "count_high"} <= set(table.columns):
            bad = (table.count_low > table.count_best) | (table.count_best > table.count_high)
            for idx in table.index[bad.fillna(False)]:
                problems.append(f"line {_line(idx)}: need count_low <= count_best <= count_high")
        if {"yield_low_kt", "yield_high_kt"} <= set(table.columns):
            for idx in table.index[(table.yield_low_kt > table.yield_high_kt).fillna(False)]:
                problems.append(f"line {_line(idx)}: yield_low_kt is above yield_high_kt")
        if {"side_a", "side_b"} <= set(table.columns):
            for idx in table.index[table.side_a.astype(str) == table.side_b.astype(str)]:
                problems.append(f"line {_line(idx)}: a contact needs two different sides")
        if "other_source_ids" in table.columns and "sources" in tables:
            known = set(tables["sources"]["source_id"])
            for idx, listed in table["other_source_ids"].dropna().items():
                unknown = [s for s in str(listed).split(";") if s not in known]
                if unknown:
                    problems.append(f"line {_line(idx)}: other_source_ids {unknown} are not in sources.csv")
        if {"start_event_id", "end_event_id"} <= set(table.columns) and "events" in tables:
            when = tables["events"].set_index("event_id")["date"]
            for idx, row in table.iterrows():
                start, end = when.get(row["start_event_id"]), when.get(row["end_event_id"])
                if start is not None and end is not None and end < start:
                    problems.append(f"line {_line(idx)}: the end event comes before the start event")
        if problems:
            _fail(_path(_package()[name]), problems)


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    _check_files()
    tables = {name: _read(resource) for name, resource in _package().items()}
    _check_rules(tables)
    return tables


def load(name: str) -> pd.DataFrame:
    """Any table by name (see `table_names()`), validated, as a fresh copy."""
    tables = _tables()
    if name not in tables:
        raise DataError(f"no table named {name!r}; the tables are: {', '.join(tables)}")
    return tables[name].copy()


def load_sources() -> pd.DataFrame:
    """The bibliography: one row per source, with kind (primary/secondary/reference) and viewpoint."""
    return load("sources")


def load_actors() -> pd.DataFrame:
    """People, states, organisations and groups, with the role that matters for the course."""
    return load("actors")


def load_events() -> pd.DataFrame:
    """The timeline of both cases and their context, sorted by date."""
    return load("events").sort_values(["date", "event_id"], ignore_index=True)


def load_event_actors() -> pd.DataFrame:
    """Which actor took part in which event (join with load_events / load_actors)."""
    return load("event_actors")


def load_meetings() -> pd.DataFrame:
    """Contacts between the parties in 2018, by channel and formality, sorted by date."""
    return load("meetings").sort_values(["date", "meeting_id"], ignore_index=True)


def load_arsenal() -> pd.DataFrame:
    """Observations of Ukraine's weapons 1991-2001 with low/best/high counts, sorted by date."""
    return load("arsenal").sort_values(["date", "observation_id"], ignore_index=True)


def load_nk_tests() -> pd.DataFrame:
    """North Korea's six nuclear tests (2006-2017) and its ICBM launches (2017-2023), sorted by date."""
    return load("nk_tests").sort_values("date", ignore_index=True)


def load_missile_counts() -> pd.DataFrame:
    """North Korean missile-launch events per year (CSIS Beyond Parallel counting rules)."""
    return load("nk_missile_counts")


def load_agreements() -> pd.DataFrame:
    """Treaties, protocols, statements and declarations of both cases, sorted by date."""
    return load("agreements").sort_values("date", ignore_index=True)


def load_claims() -> pd.DataFrame:
    """The article's claims, coded by type and verdict, in the article's order."""
    return load("claims")


def load_cycles() -> pd.DataFrame:
    """Cycles of Korean nuclear diplomacy, 1994-2020, in the order they began.

    A cycle has no dates of its own: its start and end are events (`start_event_id`,
    `end_event_id`), so a date is corrected in one place, events.csv, and a cycle's length is
    always measured from the record. Where a cycle ends is a judgement; `notes` gives the
    alternatives."""
    return load("cycles")


class Record:
    """One row of a table, every field in full: a definition list in JupyterLab (and in exported
    HTML), `field: value` lines as text. Tables cut long text at 50 characters
    (pandas' display.max_colwidth); notes and descriptions need to be read whole."""

    def __init__(self, table: str, row: pd.Series):
        self.table, self.row = table, row

    def _repr_html_(self) -> str:
        import html

        items = "".join(
            f"<dt><strong>{html.escape(str(field))}</strong></dt>"
            f"<dd style='margin:0 0 0.4em 1.5em;white-space:pre-wrap'>{html.escape(_text(value))}</dd>"
            for field, value in self.row.items()
        )
        return f"<p>One row of <code>{html.escape(self.table)}</code>:</p><dl>{items}</dl>"

    def __repr__(self) -> str:
        return "\n".join(f"{field}: {_text(value)}" for field, value in self.row.items())


def _text(value: object) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "(not recorded)"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def show_record(table: str, key: str) -> Record:
    """One row of `table`, found by its id (the table's key, e.g. `show_record("events", "KOR-16")`),
    with every field shown in full. For a table keyed by two columns, the first one is matched."""
    frame = load(table)
    primary = _package()[table]["schema"].get("primaryKey") or [frame.columns[0]]
    column = primary if isinstance(primary, str) else primary[0]
    rows = frame[frame[column].astype(str) == str(key)]
    if rows.empty:
        raise DataError(
            f"no row of {table} has {column} {key!r}; the first ids are: {', '.join(frame[column].astype(str)[:5])}"
        )
    return Record(table, rows.iloc[0])
