"""Read the course's tables from data/, validate them once, return typed DataFrames.

Why a loader instead of `pd.read_csv` in each notebook: every fact in the course must trace to
a row with a source, so the tables are checked against `data/datapackage.json` (columns, types,
allowed values, primary and foreign keys) and a few cross-row rules before any notebook sees
them. A broken or missing file gives one clear `DataError` naming the file, line and column,
instead of a wrong chart three cells later.

Types: dates become `datetime64`, fields with a fixed set of values become ordered-as-listed
categoricals, whole numbers become nullable `Int64`, decimals `Float64`, flags `bool`, text
pandas `string`. Each loader returns a fresh copy, so a student who edits a DataFrame cannot
change what the next cell (or the autograder) loads.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from course.paths import data_dir

__all__ = [
    "DataError", "load", "table_names", "load_sources", "load_actors", "load_events",
    "load_event_actors", "load_meetings", "load_arsenal", "load_nk_tests",
    "load_missile_counts", "load_agreements", "load_claims", "clear_cache",
]

_MAX_PROBLEMS_SHOWN = 10


class DataError(ValueError):
    """A data file is missing, unreadable, or breaks the package's schema or rules."""


def clear_cache() -> None:
    """Forget the validated tables (after editing data/ in a running kernel)."""
    _package.cache_clear()
    _tables.cache_clear()


@lru_cache(maxsize=1)
def _package() -> dict:
    path = data_dir() / "datapackage.json"
    if not path.is_file():
        raise DataError(f"{path} is missing: the course cannot check its data without it. "
                        "Restore it with `git checkout -- data/`.")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in package["resources"]}
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not a valid data package descriptor: {exc}") from exc
    return resources


def table_names() -> list[str]:
    """Names of all tables in the package, in the order datapackage.json lists them."""
    return list(_package())


def _fail(path: Path, problems: list[str]) -> None:
    shown = "\n  ".join(problems[:_MAX_PROBLEMS_SHOWN])
    more = f"\n  ... and {len(problems) - _MAX_PROBLEMS_SHOWN} more" if len(problems) > _MAX_PROBLEMS_SHOWN else ""
    raise DataError(f"{path} has {len(problems)} problem(s):\n  {shown}{more}")


def _line(index: int) -> int:
    """CSV line number of a data row (line 1 is the header)."""
    return int(index) + 2


def _convert(raw: pd.Series, field: dict, problems: list[str]) -> pd.Series:
    """Turn one column of strings into the field's type, recording every bad cell."""
    name, kind = field["name"], field.get("type", "string")
    cons = field.get("constraints", {})
    present = raw != ""

    if cons.get("required"):
        for idx in raw.index[~present]:
            problems.append(f"line {_line(idx)}, column '{name}': value required")

    if kind == "date":
        values = pd.to_datetime(raw.where(present), format="%Y-%m-%d", errors="coerce")
        bad = present & values.isna()
    elif kind in ("integer", "number"):
        values = pd.to_numeric(raw.where(present), errors="coerce")
        bad = present & values.isna()
        if kind == "integer":
            bad |= present & values.notna() & (values != values.round())
            values = values.where(~bad).astype("Int64")
        else:
            values = values.astype("Float64")
    elif kind == "boolean":
        values = raw.map({"true": True, "false": False})
        bad = present & values.isna()
        values = values.astype("boolean") if not cons.get("required") else values.fillna(False).astype(bool)
    else:
        values = raw.where(present).astype("string")
        bad = pd.Series(False, index=raw.index)
        if "pattern" in cons:
            pattern = re.compile(cons["pattern"])
            bad |= present & ~raw.map(lambda v: bool(pattern.fullmatch(v)))
        if "maxLength" in cons:
            bad |= raw.str.len() > cons["maxLength"]
        if "enum" in cons:
            bad |= present & ~raw.isin(cons["enum"])
    for idx in raw.index[bad]:
        problems.append(f"line {_line(idx)}, column '{name}': {raw[idx]!r} is not a valid {kind}"
                        + (f" (allowed: {', '.join(map(str, cons['enum']))})" if "enum" in cons else "")
                        + (f" (pattern {cons['pattern']})" if "pattern" in cons else "")
                        + (f" (at most {cons['maxLength']} characters)" if "maxLength" in cons else ""))

    for bound, op in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
        if bound in cons and kind in ("integer", "number"):
            for idx in values.index[values.notna() & op(values.astype(float), cons[bound])]:
                problems.append(f"line {_line(idx)}, column '{name}': {raw[idx]} is outside the {bound} {cons[bound]}")
    if cons.get("unique"):
        for idx in raw.index[present & raw.duplicated(keep="first")]:
            problems.append(f"line {_line(idx)}, column '{name}': {raw[idx]!r} repeats an earlier row")

    if "enum" in cons and kind == "string":
        allowed = present & raw.isin(cons["enum"])  # bad cells are already reported above
        return pd.Series(pd.Categorical(raw.where(allowed), categories=cons["enum"]), index=raw.index, name=name)
    return values


def _read(name: str, resource: dict) -> pd.DataFrame:
    path = data_dir() / resource["path"]
    if not path.is_file():
        raise DataError(f"{path} is missing (table '{name}' in datapackage.json). "
                        "Restore it with `git checkout -- data/`.")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text: {exc}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path} is not a readable CSV table: {exc}") from exc

    fields = resource["schema"]["fields"]
    expected = [f["name"] for f in fields]
    if list(raw.columns) != expected:
        missing = [c for c in expected if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected]
        raise DataError(f"{path} has the wrong columns: expected {expected}"
                        + (f"; missing {missing}" if missing else "")
                        + (f"; unexpected {extra}" if extra else "")
                        + ("; same columns in another order" if not missing and not extra else ""))

    problems: list[str] = []
    table = pd.DataFrame({f["name"]: _convert(raw[f["name"]], f, problems) for f in fields}, index=raw.index)
    key = resource["schema"].get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        for idx in raw.index[raw.duplicated(subset=key, keep="first")]:
            problems.append(f"line {_line(idx)}: primary key {key} repeats an earlier row")
    if problems:
        _fail(path, problems)
    return table


def _check_foreign_keys(tables: dict[str, pd.DataFrame]) -> None:
    for name, resource in _package().items():
        problems = []
        for fk in resource["schema"].get("foreignKeys", []):
            field, target = fk["fields"], fk["reference"]
            known = set(tables[target["resource"]][target["fields"]].dropna().astype(str))
            column = tables[name][field]
            for idx in column.index[column.notna() & ~column.astype(str).isin(known)]:
                problems.append(f"line {_line(idx)}, column '{field}': {column[idx]!r} "
                                f"is not a {target['fields']} in {target['resource']}.csv")
        if problems:
            _fail(data_dir() / resource["path"], problems)


def _check_rules(tables: dict[str, pd.DataFrame]) -> None:
    """Cross-column rules a schema cannot express."""
    for name, table in tables.items():
        problems = []
        for column in [c for c in table.columns if c == "date_precision"]:
            date_col = {"sources": "published", "actors": "role_as_of"}.get(name, "date")
            dates, precision = table[date_col], table[column].astype(str)
            coarse = ((precision == "month") & (dates.dt.day != 1)) | (
                (precision == "year") & ((dates.dt.day != 1) | (dates.dt.month != 1)))
            for idx in table.index[coarse]:
                problems.append(f"line {_line(idx)}: a {precision[idx]}-precision date must be the first day "
                                f"of its {precision[idx]} (got {dates[idx].date()})")
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
        if problems:
            _fail(data_dir() / _package()[name]["path"], problems)


@lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    tables = {name: _read(name, resource) for name, resource in _package().items()}
    _check_foreign_keys(tables)
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
    """North Korea's six nuclear tests and three 2017 ICBM launches, sorted by date."""
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
