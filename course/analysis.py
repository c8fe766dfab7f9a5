"""Pure functions and models over the course tables, shared by notebooks, widgets and tests.

Nothing here draws or displays: each function takes DataFrames (as returned by course.data) or
plain parameters and returns numbers or DataFrames, so the tests and the hidden tests of the
notebooks check them directly and the widgets (course.widgets) stay thin views over them.

Sections: the timeline (filters, event details), Ukraine's arsenal, the channels of 2018, the
comparison of the two cases, the denuclearisation-compensation cycle model, and quiz answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

ANY = "(any)"
SYSTEM_LABELS = {
    "strategic_warheads": "Strategic warheads",
    "tactical_warheads": "Tactical warheads",
    "ss19_missiles": "SS-19 missiles",
    "ss19_silos": "SS-19 silos",
    "ss24_missiles": "SS-24 missiles",
    "ss24_silos": "SS-24 silos",
    "heavy_bombers": "Heavy bombers",
    "alcm": "Air-launched cruise missiles",
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

CASES = ["korea", "ukraine", "context", "korea-earlier", "post-soviet"]  # as events.case lists them
PRECISION_FORMAT = {"day": "%d %b %Y", "month": "%B %Y", "year": "%Y"}


def filter_events(
    events: pd.DataFrame,
    start=None,
    end=None,
    cases: Iterable[str] | None = None,
    actor: str | None = None,
    event_actors: pd.DataFrame | None = None,
    channel: str | None = None,
    meetings: pd.DataFrame | None = None,
) -> pd.DataFrame:
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


def format_date(date: pd.Timestamp, precision: str) -> str:
    """A date written only as precisely as it is known ('June 2018', not '1 June 2018')."""
    return pd.Timestamp(date).strftime(PRECISION_FORMAT.get(str(precision), "%d %b %Y")).lstrip("0")


def event_details(
    event_id: str, events: pd.DataFrame, sources: pd.DataFrame, event_actors: pd.DataFrame, actors: pd.DataFrame
) -> dict:
    """Everything the detail panel shows for one event, as plain values."""
    event = events.set_index("event_id").loc[event_id]
    source = sources.set_index("source_id").loc[event["source_id"]]
    names = actors.set_index("actor_id")["name"]
    involved = [names[a] for a in event_actors.loc[event_actors["event_id"] == event_id, "actor_id"]]
    return {
        "event_id": event_id,
        "title": event["title"],
        "date": format_date(event["date"], event["date_precision"]),
        "case": str(event["case"]),
        "description": event["description"],
        "location": "" if pd.isna(event["location"]) else event["location"],
        "actors": involved,
        "confidence": str(event["confidence"]),
        "notes": "" if pd.isna(event["notes"]) else event["notes"],
        "source_title": source["title"],
        "source_publisher": source["publisher"],
        "source_date": format_date(source["published"], source["date_precision"]),
        "source_url": source["url"],
        "source_kind": str(source["kind"]),
        "source_viewpoint": source["viewpoint"],
    }


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
    points = {
        d: (int(r.count_low), int(r.count_best), int(r.count_high), "observed")
        for d, r in zip(stock["date"], stock.itertuples(), strict=True)
    }
    if stock.empty:
        return pd.DataFrame(columns=["date", "low", "best", "high", "basis"])
    initial = stock.iloc[0]
    removals = rows[rows["status"].astype(str).isin(["transferred", "eliminated"])]
    for date in sorted(set(removals["date"])):
        latest = removals[removals["date"] <= date].groupby(removals["status"].astype(str)).last()
        gone_low, gone_best, gone_high = (int(latest[c].sum()) for c in ("count_low", "count_best", "count_high"))
        if date not in points:
            points[date] = (
                max(0, int(initial.count_low) - gone_high),
                max(0, int(initial.count_best) - gone_best),
                max(0, int(initial.count_high) - gone_low),
                "derived",
            )
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
            records.append(
                {
                    "system": system,
                    "label": label,
                    "low": low,
                    "best": best,
                    "high": high,
                    "initial": initial,
                    "share_best": best / initial if initial else np.nan,
                    "basis": basis,
                }
            )
        return pd.DataFrame.from_records(records)


# --- channels of 2018 ---------------------------------------------------------------------


def pair_label(side_a: str, side_b: str) -> str:
    """An order-free name for a pair of sides, e.g. 'DPRK-ROK' for ROK-DPRK and DPRK-ROK."""
    return "-".join(sorted([side_a, side_b]))


def channel_counts(
    meetings: pd.DataFrame, start=None, end=None, formal: bool | None = None, include_cancelled: bool = False
) -> pd.DataFrame:
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
    pairs = [pair_label(a, b) for a, b in zip(chosen["side_a"].astype(str), chosen["side_b"].astype(str), strict=True)]
    table = pd.crosstab(
        pd.Series(pairs, index=chosen.index, name="pair"), chosen["channel"].astype(str).rename("channel")
    )
    all_pairs = sorted(
        {pair_label(a, b) for a, b in zip(meetings["side_a"].astype(str), meetings["side_b"].astype(str), strict=True)}
    )
    return table.reindex(index=all_pairs, columns=CHANNELS, fill_value=0).astype(int)


# --- comparing the cases -------------------------------------------------------------------

SCALE = {0: "very different", 1: "different", 2: "partly similar", 3: "similar", 4: "very similar"}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    question: str
    korea: tuple[str, ...]
    ukraine: tuple[str, ...]


DIMENSIONS = (
    Dimension(
        "initiative",
        "Who moved first",
        "Did the smaller state take the initiative?",
        ("KOR-04", "KOR-19"),
        ("UKR-11", "UKR-13"),
    ),
    Dimension(
        "great_power",
        "Role of the great powers",
        "How far did a great power set the pace?",
        ("KOR-17", "KOR-24"),
        ("UKR-14", "UKR-18"),
    ),
    Dimension(
        "informality",
        "Informal channels",
        "Did informal or technical channels move things forward?",
        ("KOR-20", "KOR-22"),
        ("UKR-10", "UKR-12"),
    ),
    Dimension(
        "compensation",
        "Compensation",
        "What was offered in return for disarmament steps?",
        ("KOR-25", "KOR-10"),
        ("UKR-15", "UKR-18"),
    ),
    Dimension(
        "security",
        "Security commitments",
        "What security commitments were made, and how binding were they?",
        ("KOR-25",),
        ("UKR-22",),
    ),
    Dimension(
        "verification",
        "Verification",
        "Could outsiders verify the disarmament steps?",
        ("KOR-16",),
        ("UKR-23", "UKR-24"),
    ),
    Dimension(
        "domestic",
        "Domestic politics",
        "Did domestic opponents constrain the leaders?",
        ("KOR-15", "KOR-13"),
        ("UKR-16", "UKR-19"),
    ),
    Dimension(
        "weapons",
        "The weapons themselves",
        "Whose weapons were they, and who controlled them?",
        ("CTX-05", "CTX-08"),
        ("UKR-04", "UKR-09"),
    ),
)


def dimension_evidence(dimension: Dimension, events: pd.DataFrame) -> dict[str, list[str]]:
    """The sourced events behind one dimension, as 'date: title' lines per case."""
    indexed = events.set_index("event_id")
    line = lambda eid: f"{indexed.loc[eid, 'date']:%d %b %Y}: {indexed.loc[eid, 'title']} [{eid}]"
    return {"korea": [line(e) for e in dimension.korea], "ukraine": [line(e) for e in dimension.ukraine]}


def comparison_summary(ratings: dict[str, int | None]) -> pd.DataFrame:
    """One row per dimension with the rating and its meaning; unrated dimensions stay empty.

    The frame's `attrs` carry the mean rating over rated dimensions and the number rated.
    """
    rows = []
    for d in DIMENSIONS:
        r = ratings.get(d.key)
        if r is not None and (type(r) is not int or r not in SCALE):
            raise ValueError(f"rating for {d.key!r} must be an int from 0 to 4, got {r!r}")
        rows.append({"dimension": d.label, "key": d.key, "rating": r, "meaning": SCALE.get(r, "not rated")})
    frame = pd.DataFrame(rows)
    rated = frame["rating"].dropna()
    frame.attrs["mean_rating"] = float(rated.mean()) if len(rated) else None
    frame.attrs["n_rated"] = len(rated)
    return frame


# --- the denuclearisation-compensation cycle -----------------------------------------------


@dataclass(frozen=True)
class CycleParameters:
    """The cycle model's assumptions, as numbers (see `simulate_cycle`).

    Why these defaults: each is set by an argument that does not depend on how the cycle turns
    out, so that no setting of `us_involvement` is guaranteed to succeed or to fail. (Earlier
    defaults, reciprocity 1.5 with learning 3, made full US involvement always reach complete
    disarmament and no US involvement always stall: the verdict was built in.)

    - initial_trust 0.5: the middle of the scale; nothing in the record fixes it.
    - step_size 0.04 a round (month): at full trust, all of a capability in about 25 months,
      close to the 27 months Ukraine's strategic warheads took to leave (UKR-29 to UKR-24), the
      one completed disarmament in the data.
    - reciprocity 1.0: each step is answered with compensation of equal value, the "action for
      action" principle of the 2005 six-party statement (agreements.csv); above 1 partners
      overpay, below 1 they underpay.
    - sanctions_share 0.5: no source measures what share of the compensation needs sanctions
      relief; the midpoint, to be varied.
    - learning 1.0: a shortfall of one step's worth of compensation costs one step's worth of
      trust (the natural unit).
    - spoiler_chance 0.15, spoiler_damage 0.1: illustrative, about two setbacks a year, each
      costing a tenth of the trust scale; not estimated from data.
    - rounds 36: three years, the span of the 2018-20 record; stall_below 0.1; seed 2018.
    """

    initial_trust: float = 0.5
    step_size: float = 0.04
    reciprocity: float = 1.0
    us_involvement: float = 1.0
    sanctions_share: float = 0.5
    learning: float = 1.0
    spoiler_chance: float = 0.15
    spoiler_damage: float = 0.1
    rounds: int = 36
    seed: int = 2018
    stall_below: float = 0.1

    def __post_init__(self):
        for name in (
            "initial_trust",
            "us_involvement",
            "sanctions_share",
            "spoiler_chance",
            "spoiler_damage",
            "stall_below",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.rounds < 1 or self.step_size < 0 or self.reciprocity < 0 or self.learning < 0:
            raise ValueError("rounds must be at least 1; step_size, reciprocity and learning must not be negative")


def simulate_cycle(params: CycleParameters = CycleParameters()) -> pd.DataFrame:
    """A deliberately small model of the article's "denuclearisation-compensation cycle"
    (reciprocal steps, trust, spoilers): one row per round with trust, step, compensation,
    disarmament and whether a spoiler struck.

    Assumptions (stated to students, to be criticised, not believed):

    1. Time runs in rounds (think: months). Each round North Korea takes a disarmament step whose
       size is `step_size * trust`: the more it trusts the other side, the bigger the step.
       Disarmament `D` is the share of its capability dismantled, from 0 to 1.
    2. Its partners answer with compensation `reciprocity * step * capacity`. `capacity` is what
       they can deliver: humanitarian aid is in Seoul's hands, but sanctions relief needs the UN
       Security Council and so the United States. With `us_involvement` from 0 to 1,
       `capacity = (1 - sanctions_share) + sanctions_share * us_involvement`.
    3. Trust moves with the balance of each round: it rises by `learning * (compensation - step)`
       when compensation exceeds the step and falls when it falls short. Trust stays in [0, 1].
    4. Spoilers (a drill, a hawkish statement, a third power) strike at random with probability
       `spoiler_chance` each round and cut trust by `spoiler_damage`. The random draws come from
       `seed`, so the same settings always give the same run.
    5. The cycle has stalled when trust falls below `stall_below`; from then on no steps are
       taken and nothing pays, so a stalled cycle never restarts by itself.

    The model says nothing about whether these assumptions hold: module 06 runs it against the
    earlier cycles of Korean diplomacy (data/cycles.csv) and asks which assumptions the record
    supports.
    """
    rng = np.random.default_rng(params.seed)
    capacity = (1 - params.sanctions_share) + params.sanctions_share * params.us_involvement
    trust, disarmament, paid = params.initial_trust, 0.0, 0.0
    rows = []
    for round_ in range(1, params.rounds + 1):
        step = min(params.step_size * trust, 1 - disarmament) if trust >= params.stall_below else 0.0
        compensation = params.reciprocity * step * capacity
        disarmament += step
        paid += compensation
        trust = trust + params.learning * (compensation - step)
        spoiler = bool(rng.random() < params.spoiler_chance)
        if spoiler:
            trust -= params.spoiler_damage
        trust = float(min(1.0, max(0.0, trust)))
        rows.append(
            {
                "round": round_,
                "trust": trust,
                "step": step,
                "compensation": compensation,
                "disarmament": disarmament,
                "compensation_total": paid,
                "spoiler": spoiler,
            }
        )
    result = pd.DataFrame(rows)
    stalled = result.index[result["trust"] < params.stall_below]
    result.attrs["stalled_at"] = int(result.loc[stalled[0], "round"]) if len(stalled) else None
    result.attrs["final_disarmament"] = float(result["disarmament"].iloc[-1])
    result.attrs["parameters"] = asdict(params)
    return result


# --- quizzes ---------------------------------------------------------------------------------


def check_answer(kind: str, answer, correct, tolerance: float = 0.0) -> bool:
    """Is `answer` right? Exact for choices and orderings, within `tolerance` for numbers."""
    if answer is None:
        return False
    if kind == "numeric":
        return abs(float(answer) - float(correct)) <= tolerance
    if kind == "ordering":
        return list(answer) == list(correct)
    return answer == correct
