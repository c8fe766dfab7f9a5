"""Pure functions over the course tables, shared by notebooks, widgets and tests.

Nothing here draws or displays: each function takes DataFrames (as returned by course.data)
and returns numbers or DataFrames, so the tests can check them directly and the widgets stay
thin views over them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

ANY = "(any)"
SYSTEM_LABELS = {
    "strategic_warheads": "Strategic warheads", "tactical_warheads": "Tactical warheads",
    "ss19_missiles": "SS-19 missiles", "ss19_silos": "SS-19 silos", "ss24_missiles": "SS-24 missiles",
    "ss24_silos": "SS-24 silos", "heavy_bombers": "Heavy bombers", "alcm": "Air-launched cruise missiles",
}
CHANNELS = ["summit", "ministerial", "military", "working-level", "envoy", "letter", "statement"]


def in_window(table: pd.DataFrame, start=None, end=None) -> pd.Series:
    """Rows whose `date` lies between `start` and `end`, both included (either may be None)."""
    keep = pd.Series(True, index=table.index)
    if start is not None:
        keep &= table["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= table["date"] <= pd.Timestamp(end)
    return keep


# --- timeline -----------------------------------------------------------------------------

def filter_events(events: pd.DataFrame, start=None, end=None, cases: Iterable[str] | None = None,
                  actor: str | None = None, event_actors: pd.DataFrame | None = None,
                  channel: str | None = None, meetings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Events between `start` and `end` (both included), of the given cases, involving `actor`
    (via event_actors) and carried by a contact of `channel` (via meetings.event_id)."""
    keep = in_window(events, start, end)
    if cases is not None:
        keep &= events["case"].astype(str).isin(list(cases))
    if actor not in (None, ANY):
        if event_actors is None:
            raise ValueError("filtering by actor needs the event_actors table")
        keep &= events["event_id"].isin(event_actors.loc[event_actors["actor_id"] == actor, "event_id"])
    if channel not in (None, ANY):
        if meetings is None:
            raise ValueError("filtering by channel needs the meetings table")
        keep &= events["event_id"].isin(meetings.loc[meetings["channel"].astype(str) == channel, "event_id"])
    return events[keep].sort_values(["date", "event_id"])


def days_between(earlier, later, inclusive: bool = False) -> int:
    """Whole days from `earlier` to `later`; `inclusive` counts both end days."""
    days = (pd.Timestamp(later).normalize() - pd.Timestamp(earlier).normalize()).days
    return days + 1 if inclusive else days


# --- Ukraine's arsenal ------------------------------------------------------------------------

def _stock_points(arsenal: pd.DataFrame, system: str) -> pd.DataFrame:
    """Dated (low, best, high) stock on Ukrainian territory for one system.

    Observed stocks are used as they are. Cumulative transfers and eliminations give derived
    stocks (initial stock minus everything removed so far), with the band widened so that it
    covers every combination of the sources' low and high figures. Where both exist for a date,
    the observed stock wins.
    """
    rows = arsenal[arsenal["system"].astype(str) == system].sort_values("date")
    stock = rows[rows["status"].astype(str) == "in_ukraine"]
    points = {d: (int(r.count_low), int(r.count_best), int(r.count_high), "observed")
              for d, r in zip(stock["date"], stock.itertuples())}
    if stock.empty:
        return pd.DataFrame(columns=["date", "low", "best", "high", "basis"])
    initial = stock.iloc[0]
    removals = rows[rows["status"].astype(str).isin(["transferred", "eliminated"])]
    for date in sorted(set(removals["date"])):
        latest = removals[removals["date"] <= date].groupby(removals["status"].astype(str)).last()
        gone_low, gone_best, gone_high = (int(latest[c].sum()) for c in ("count_low", "count_best", "count_high"))
        if date not in points:
            points[date] = (max(0, int(initial.count_low) - gone_high), max(0, int(initial.count_best) - gone_best),
                            max(0, int(initial.count_high) - gone_low), "derived")
    frame = pd.DataFrame([(d, *v) for d, v in points.items()], columns=["date", "low", "best", "high", "basis"])
    return frame.sort_values("date", ignore_index=True)


class ArsenalModel:
    """Ukraine's arsenal as stock curves, computed once, queried by date.

    Between two sourced points the best estimate is the straight line between them and the band
    spans both points (nobody recorded the stock in between); a stock of zero stays zero; after
    the last non-zero point, and before the first, the stock is unknown (NaN).
    """

    def __init__(self, arsenal: pd.DataFrame):
        self.curves = {}
        for system, label in SYSTEM_LABELS.items():
            points = _stock_points(arsenal, system)
            if not points.empty:
                self.curves[system] = (label, list(points.itertuples(index=False)))

    def remaining(self, on) -> pd.DataFrame:
        """One row per system: low, best, high, initial (best), share_best and the basis of the figure."""
        on = pd.Timestamp(on)
        records = []
        for system, (label, points) in self.curves.items():
            initial = float(points[0].best)
            before = [p for p in points if p.date <= on]
            after = [p for p in points if p.date >= on]
            if not before:
                values, basis = (np.nan, np.nan, np.nan), "before records"
            elif after and after[0].date == on:
                p = after[0]
                values, basis = (p.low, p.best, p.high), str(p.basis)
            elif not after:
                p = before[-1]
                if p.best == 0 and p.high == 0:
                    values, basis = (0.0, 0.0, 0.0), "none left"
                else:
                    values, basis = (np.nan, np.nan, np.nan), f"no record after {p.date:%b %Y}"
            else:
                a, b = before[-1], after[0]
                weight = (on - a.date) / (b.date - a.date)
                values = (min(a.low, b.low), a.best + weight * (b.best - a.best), max(a.high, b.high))
                basis = f"estimated between {a.date:%b %Y} and {b.date:%b %Y}"
            low, best, high = (float(v) for v in values)
            records.append({"system": system, "label": label, "low": low, "best": best, "high": high,
                            "initial": initial, "share_best": best / initial if initial else np.nan, "basis": basis})
        return pd.DataFrame.from_records(records)


def arsenal_remaining(arsenal: pd.DataFrame, on) -> pd.DataFrame:
    """What remained on Ukrainian territory on date `on`, by system (see ArsenalModel)."""
    return ArsenalModel(arsenal).remaining(on)


def share_removed(arsenal: pd.DataFrame, system: str, on) -> float:
    """Share (0-1) of a system's initial stock no longer on Ukrainian territory on `on` (best estimate)."""
    row = arsenal_remaining(arsenal, on).set_index("system").loc[system]
    return float(1 - row["share_best"])


# --- channels of 2018 ---------------------------------------------------------------------

def pair_label(side_a: str, side_b: str) -> str:
    """An order-free name for a pair of sides, e.g. 'DPRK-ROK' for ROK-DPRK and DPRK-ROK."""
    return "-".join(sorted([side_a, side_b]))


def channel_counts(meetings: pd.DataFrame, start=None, end=None, formal: bool | None = None,
                   include_cancelled: bool = False) -> pd.DataFrame:
    """Contacts per pair of sides (rows) and channel (columns), within [start, end].

    `formal=True/False` keeps only formal or informal contacts; cancelled contacts are left out
    unless `include_cancelled`.
    """
    keep = in_window(meetings, start, end)
    if formal is not None:
        keep &= meetings["formal"] == formal
    if not include_cancelled:
        keep &= meetings["status"].astype(str) == "held"
    chosen = meetings[keep]
    pairs = [pair_label(a, b) for a, b in zip(chosen["side_a"].astype(str), chosen["side_b"].astype(str))]
    table = pd.crosstab(pd.Series(pairs, index=chosen.index, name="pair"),
                        chosen["channel"].astype(str).rename("channel"))
    all_pairs = sorted({pair_label(a, b) for a, b in zip(meetings["side_a"].astype(str), meetings["side_b"].astype(str))})
    return table.reindex(index=all_pairs, columns=CHANNELS, fill_value=0).astype(int)
