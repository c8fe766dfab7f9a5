"""What the narrative of each module states about data/, and the computation that must agree.

The house rule: numbers in the narrative are computed from data/ or tested against it. The
narrative is prose, so the numbers cannot be computed in place; instead each one is listed here with
the check that recomputes it from data/ (course.data) or from the model (course.analysis).
tests/test_course_content.py runs every check, and fails on any count in a module's narrative
("12 contacts", "three times") that is neither checked here nor declared to be about the exercise
itself (NOT_DATA). A module with no entry is skipped with a message saying so, never passed silently.

NARRATIVE_FACTS maps an assignment to {phrase: check}. The phrase is quoted exactly from the
notebook's markdown (line breaks included), so that an edit of the sentence fails the test until the
entry is updated. A check returns True or False, or None when what it needs (the article, which the
repository does not hold) is not at hand. Every check computes what the phrase states from data/ or
the model (a convention the exercise sets, such as the length of a month, from the solution that
grades it): a check that could not fail is a defect.

NOT_DATA maps an assignment to the phrases that count things of the exercise ("three codings",
"Exercise 4"), not of the data.
"""

from __future__ import annotations

import re

import nbformat
import pandas as pd

from course import data
from course.analysis import DIMENSIONS, CycleParameters
from course.paths import course_root
from tests.article import article_words

# The length of a month in the course's intervals: the mean over a four-year cycle with one leap year.
AVERAGE_MONTH = float(pd.Series(pd.period_range("2000-01", periods=48, freq="M").days_in_month).mean())
SMALL_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10}


# --- lookups ---------------------------------------------------------------------------------------


def event_date(event_id: str) -> pd.Timestamp:
    return data.load_events().set_index("event_id").loc[event_id, "date"]


def event_month(event_id: str) -> str:
    """The month of an event as the narrative writes it, e.g. "October 2001"."""
    return f"{event_date(event_id):%B %Y}"


def event_notes(event_id: str) -> str:
    return str(data.load_events().set_index("event_id").loc[event_id, "notes"])


def agreement(agreement_id: str) -> pd.Series:
    return data.load_agreements().set_index("agreement_id").loc[agreement_id]


def source(source_id: str) -> pd.Series:
    return data.load_sources().set_index("source_id").loc[source_id]


def observation(observation_id: str) -> pd.Series:
    return data.load_arsenal().set_index("observation_id").loc[observation_id]


def cycle(cycle_id: str) -> pd.Series:
    return data.load_cycles().set_index("cycle_id").loc[cycle_id]


# --- 01-03: the article and spring 2018 --------------------------------------------------------------


def _share_of_flawed_factual_claims() -> float:
    claims = data.load_claims()
    factual = claims[claims["claim_type"].astype(str) == "factual"]
    return float(factual["verdict"].astype(str).isin(["imprecise", "misleading", "unverified"]).mean())


def _summits(pair: set[str]) -> pd.Series:
    """The dates of the summits held between the two sides, in order."""
    m = data.load_meetings()
    sides = pd.Series([{str(a), str(b)} == pair for a, b in zip(m["side_a"], m["side_b"], strict=True)], index=m.index)
    held = m[sides & (m["channel"].astype(str) == "summit") & (m["status"].astype(str) == "held")]
    return held["date"].sort_values().reset_index(drop=True)


def _inter_korean_summits_before_singapore() -> int:
    return int((_summits({"ROK", "DPRK"}) < event_date("KOR-25")).sum())


def _kim_xi_meetings_2018() -> int:
    m = data.load_meetings()
    sides = [{str(a), str(b)} for a, b in zip(m["side_a"], m["side_b"], strict=True)]
    return int(sum(s == {"CHN", "DPRK"} and d.year == 2018 for s, d in zip(sides, m["date"], strict=True)))


def _libya_events() -> int:
    return int(data.load_events()["title"].str.contains("Libya").sum())


# --- 04: Ukraine's arsenal ---------------------------------------------------------------------------


def _gone(system: str) -> pd.Timestamp:
    """The first date on which the arsenal records none of `system` left in Ukraine."""
    a = data.load_arsenal()
    empty = a[(a["system"] == system) & (a["status"] == "in_ukraine") & (a["count_best"] == 0)]
    return empty["date"].min()


def _inherited(system: str) -> int:
    """The course's best estimate of `system` in Ukraine at independence (December 1991)."""
    a = data.load_arsenal()
    first = a[(a["system"] == system) & (a["status"] == "in_ukraine")].sort_values("date").iloc[0]
    return int(first["count_best"])


def _warheads_per_missile(system: str) -> int:
    """Warheads per missile, as the notes of the December 1991 row of `system` begin ("Six warheads each")."""
    a = data.load_arsenal()
    notes = str(a[(a["system"] == system) & (a["status"] == "in_ukraine")].sort_values("date").iloc[0]["notes"])
    match = re.match(r"(\w+) warheads each", notes)
    return SMALL_NUMBERS.get(match.group(1).lower(), -1) if match else -1


def _icbm_warheads() -> int:
    return sum(_inherited(f"{s}_missiles") * _warheads_per_missile(f"{s}_missiles") for s in ("ss19", "ss24"))


def _last_silo_destroyed() -> pd.Timestamp:
    a = data.load_arsenal()
    return a[a["system"].astype(str).str.endswith("_silos") & (a["status"] == "eliminated")]["date"].max()


def _budapest_paragraphs() -> int:
    """The numbered paragraphs, "(1)" to "(n)", in the key terms of the Budapest Memorandum."""
    return len(set(re.findall(r"\((\d+)\)", str(agreement("budapest-memorandum")["key_terms"]))))


def _bombers_disposed_of() -> int:
    """Bombers eliminated under CTR (A-19) plus bombers handed to Russia (A-20)."""
    return int(observation("A-19")["count_best"]) + int(observation("A-20")["count_best"])


def _years_from_the_arsenal_to_crimea() -> int:
    """From the last record of strategic warheads still in Ukraine (1994) to the seizure of Crimea (2014)."""
    a = data.load_arsenal()
    held = a[(a["system"] == "strategic_warheads") & (a["status"] == "in_ukraine") & (a["count_best"] > 0)]
    return event_date("UKR-30").year - held["date"].max().year


# --- 05: the comparison ------------------------------------------------------------------------------


def _nuclear_tests() -> pd.Series:
    tests = data.load_nk_tests()
    return tests.loc[tests["kind"] == "nuclear", "date"].sort_values().reset_index(drop=True)


def _korean_texts_with_domestic_force_2018() -> int:
    a = data.load_agreements()
    return int(
        ((a["legal_status"] == "domestic") & (a["date"].dt.year == 2018) & a["parties"].str.contains("ROK")).sum()
    )


def _other_post_soviet_states() -> set[str]:
    """The states besides Ukraine whose NPT accession the post-Soviet rows record."""
    a = data.load_agreements()
    return set(a.loc[(a["case"] == "post-soviet") & (a["kind"] == "treaty accession"), "parties"].astype(str))


# --- 06: the cycles ----------------------------------------------------------------------------------


def _cycle_days(cycle_id: str) -> int:
    row = cycle(cycle_id)
    return (event_date(row["end_event_id"]) - event_date(row["start_event_id"])).days


def _cycle_years(cycle_ids) -> tuple[int, int]:
    """The year the first of the cycles began and the year the last of them ended."""
    rows = [cycle(c) for c in cycle_ids]
    return min(event_date(r["start_event_id"]).year for r in rows), max(
        event_date(r["end_event_id"]).year for r in rows
    )


def _cycles_begun_in(year: int) -> list[str]:
    return [c for c in data.load_cycles()["cycle_id"] if event_date(cycle(c)["start_event_id"]).year == year]


def _us_cycles() -> list[str]:
    """Cycles whose founding agreement has the United States among its parties."""
    parties = data.load_agreements().set_index("agreement_id")["parties"].astype(str)
    cycles = data.load_cycles()
    return [
        c for c, a in zip(cycles["cycle_id"], cycles["agreement_id"], strict=True) if "USA" in parties[a].split(";")
    ]


def _merged_2005_2007_days() -> int:
    """CYC-2005 and CYC-2007 read as one cycle: from the start of the first to the end of the second."""
    return (event_date(cycle("CYC-2007")["end_event_id"]) - event_date(cycle("CYC-2005")["start_event_id"])).days


def _us_cycle_days(merged: bool) -> pd.Series:
    days = {c: _cycle_days(c) for c in _us_cycles()}
    if merged:
        days = {c: d for c, d in days.items() if c not in ("CYC-2005", "CYC-2007")} | {
            "merged": _merged_2005_2007_days()
        }
    return pd.Series(days)


def _inter_korean_outlasts_the_median(merged: bool) -> bool:
    return _cycle_days("CYC-2018-IK") > _us_cycle_days(merged).median()


def _undelivered_cycles_are_the_shortest() -> bool:
    cycles = data.load_cycles()
    days = pd.Series({c: _cycle_days(c) for c in cycles["cycle_id"]}).sort_values()
    undelivered = set(cycles.loc[cycles["compensation_delivered"] == "none", "cycle_id"])
    return bool(undelivered) and set(days.index[: len(undelivered)]) == undelivered


def _divisors_of_days_in_the_solution(assignment: str, grade_id: str) -> set[float]:
    """The numbers an exercise's solution divides a number of days by (`.days / 30.4375`)."""
    (path,) = (course_root() / "notebooks" / assignment).glob("*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    (source,) = [c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return {float(x) for x in re.findall(r"\.days\s*/\s*(\d+(?:\.\d+)?)", source)}


def _months_warheads_took_to_leave() -> float:
    return (event_date("UKR-24") - event_date("UKR-29")).days / AVERAGE_MONTH


# --- 07: hindsight -----------------------------------------------------------------------------------


def _missile_years_that_stand_out() -> bool:
    """The summit year has the fewest launch events; the two busiest years come after the talks ended."""
    counts = data.load_missile_counts().set_index("year")["count"].astype(int)
    talks_ended = event_date("KOR-42").year
    return counts.idxmin() == event_date("KOR-25").year and all(year > talks_ended for year in counts.nlargest(2).index)


def _latest_year_a_predictive_verdict_rests_on() -> int:
    claims = data.load_claims()
    return int(claims.loc[claims["claim_type"] == "predictive", "event_id"].map(event_date).dt.year.max())


def _kinds_of_text_signed_at(event_id: str) -> set[str]:
    a = data.load_agreements()
    return set(a.loc[a["event_id"] == event_id, "kind"].astype(str))


def _published(source_id: str) -> pd.Timestamp:
    return data.load_sources().set_index("source_id").loc[source_id, "published"]


NARRATIVE_FACTS = {
    "00-orientation": {},
    "01-reading-the-argument": {
        "eleven paragraphs": lambda: int(data.load_claims()["paragraph"].max()) - 1 == 11,  # 1 is the summary
        "about 800 words": lambda: None if article_words() is None else 750 <= article_words() <= 850,
        "Just over half of the article's factual claims": lambda: 0.5 < _share_of_flawed_factual_claims() <= 0.6,
    },
    "02-spring-2018": {
        "162 days": lambda: (event_date("KOR-25") - event_date("KOR-01")).days == 162,
        "two Korean\nsummits were prepared": lambda: _inter_korean_summits_before_singapore() == 2,
        "two days\nafter Trump called off": lambda: (event_date("KOR-20") - event_date("KOR-17")).days == 2,
        "Four events of the timeline have": lambda: _libya_events() == 4,
        "the four Libya events": lambda: _libya_events() == 4,
        "13 hours behind KST": lambda: "13 hours behind KST" in event_notes("KOR-17"),
        "Two summits, two speeds": lambda: _inter_korean_summits_before_singapore() == 2,
    },
    "03-crisis-management": {
        "Kim met Xi three times in 2018": lambda: _kim_xi_meetings_2018() == 3,
    },
    "04-ukraine-1991-96": {
        "By 1 June 1996 the last warheads": lambda: (
            _gone("strategic_warheads") == event_date("UKR-24") == pd.Timestamp("1996-06-01")
        ),
        "the last missile silo was destroyed in October 2001": lambda: (
            event_month("UKR-27") == f"{_last_silo_destroyed():%B %Y}" == "October 2001"
        ),
        "Some 1993 press reports gave Ukraine 1,240 strategic warheads": lambda: (
            _icbm_warheads() == 1240
            and "1,240 (chicagotribune-1993-10-26" in str(observation("A-01")["notes"])
            and source("chicagotribune-1993-10-26")["published"].year == 1993
        ),
        "**six** for the SS-19 and **ten** for the SS-24": lambda: (
            (_warheads_per_missile("ss19_missiles"), _warheads_per_missile("ss24_missiles")) == (6, 10)
        ),
        "set 1 July 1992 as the deadline": lambda: (
            "by 1 July 1992" in str(agreement("alma-ata")["key_terms"])
            and agreement("alma-ata")["event_id"] == "UKR-05"
        ),
        "all had gone on 7 May 1992 (`UKR-08`)": lambda: (
            _gone("tactical_warheads") == event_date("UKR-08") == pd.Timestamp("1992-05-07")
        ),
        "NPT accession on 5 December 1994": lambda: (
            agreement("ukraine-npt-accession")["date"] == pd.Timestamp("1994-12-05")
        ),
        "to Russia in 1999-2000": lambda: event_date("UKR-33").year == 2000 and "late 1999" in event_notes("UKR-33"),
        "In November 1993 the Rada ratified START I": lambda: event_month("UKR-16") == "November 1993",
        "Trilateral Statement was signed on 14 January 1994": lambda: (
            event_date("UKR-18") == agreement("trilateral-statement")["date"] == pd.Timestamp("1994-01-14")
        ),
        "the `budapest-memorandum` row lists all six paragraphs": lambda: _budapest_paragraphs() == 6,
        "is smaller than the number it disposed of": lambda: (
            int(observation("A-18")["count_best"]) < _bombers_disposed_of()
        ),
    },
    "05-comparing-the-cases": {
        "## Eight dimensions": lambda: len(DIMENSIONS) == 8,
        "Rate **all eight** dimensions": lambda: len(DIMENSIONS) == 8,
        "the two other post-Soviet\nstates that inherited nuclear weapons, Belarus and Kazakhstan": lambda: (
            _other_post_soviet_states() == {"BLR", "KAZ"}
        ),
        "as South Korea did for two of the 2018 texts": lambda: _korean_texts_with_domestic_force_2018() == 2,
        "Ukraine registered it with the UN in\n   2014": lambda: (
            "registered with the UN in 2014" in str(agreement("budapest-memorandum")["legal_form"])
        ),
        "Belarus and\nKazakhstan also signed the Lisbon Protocol (`UKR-09`)": lambda: (
            {"BLR", "KAZ"} <= set(str(agreement("lisbon-protocol")["parties"]).split(";"))
            and agreement("lisbon-protocol")["event_id"] == "UKR-09"
        ),
        "tested it six times, the last in September 2017 (CTX-05)": lambda: (
            len(_nuclear_tests()) == 6
            and _nuclear_tests().iloc[-1] == event_date("CTX-05")
            and event_month("CTX-05") == "September 2017"
        ),
    },
    "06-the-cycle": {
        "(six cycles of Korean nuclear diplomacy, 1994-2020,": lambda: (
            len(data.load_cycles()) == 6 and _cycle_years(data.load_cycles()["cycle_id"]) == (1994, 2020)
        ),
        "from the Agreed Framework of 1994 to the two tracks of 2018-20": lambda: (
            _cycle_years(["CYC-1994"])[0] == 1994
            and len(_cycles_begun_in(2018)) == 2
            and _cycle_years(_cycles_begun_in(2018)) == (2018, 2020)
        ),
        "from the\n1994 Agreed Framework to the two tracks of 2018-20": lambda: (
            _cycle_years(["CYC-1994"])[0] == 1994
            and len(_cycles_begun_in(2018)) == 2
            and _cycle_years(_cycles_begun_in(2018)) == (2018, 2020)
        ),
        "## The record: six cycles": lambda: len(data.load_cycles()) == 6,
        "`cycles` lists six": lambda: len(data.load_cycles()) == 6,
        "conclusions drawn from six cases": lambda: len(data.load_cycles()) == 6,
        "a whole capability in about 25 months, close to the time Ukraine's strategic warheads took": lambda: (
            round(1 / CycleParameters().step_size) == 25 and abs(_months_warheads_took_to_leave() - 25) <= 2.5
        ),
        "about two setbacks a year, each costing a tenth of the trust scale": lambda: (
            round(12 * CycleParameters().spoiler_chance) == 2 and CycleParameters().spoiler_damage == 1 / 10
        ),
        "| `rounds` | 36 | three years, long enough to cover the inter-Korean track of 2018-20": lambda: (
            CycleParameters().rounds == 36 == 3 * 12
            and _cycle_days("CYC-2018-IK") / AVERAGE_MONTH <= CycleParameters().rounds
            and _cycle_years(["CYC-2018-IK"]) == (2018, 2020)
        ),
        "`rounds=120` (ten\n  years, so that the longest cycle fits)": lambda: (
            max(_cycle_days(c) for c in data.load_cycles()["cycle_id"]) / AVERAGE_MONTH <= 120 == 10 * 12
        ),
        # a convention, not a fact of the data: the one the solution (and so the grader) uses, and the calendar's
        "divided by 30.4375, the average length of a month": lambda: (
            _divisors_of_days_in_the_solution("06-the-cycle", "ex5-answer") == {AVERAGE_MONTH} == {30.4375}
        ),
        "`CYC-2005` ends\nwith the first nuclear test (`CTX-15`)": lambda: (
            cycle("CYC-2005")["end_event_id"] == "CTX-15" and event_date("CTX-15") == _nuclear_tests().iloc[0]
        ),
        "`CYC-2007` begins four months later (`CTX-17`)": lambda: (
            cycle("CYC-2007")["start_event_id"] == "CTX-17"
            and round((event_date("CTX-17") - event_date("CTX-15")).days / AVERAGE_MONTH) == 4
        ),
        "it would run from the 2005 statement (`CTX-14`) to North Korea's exit from the talks\n(`CTX-19`)": lambda: (
            (cycle("CYC-2005")["start_event_id"], cycle("CYC-2007")["end_event_id"]) == ("CTX-14", "CTX-19")
        ),
        "as\n   coded (five cycles)": lambda: len(_us_cycles()) == 5,
        "merged into that one cycle (four cycles)": lambda: len(_us_cycle_days(merged=True)) == 4,
        "lasted from weeks (the Leap Day understanding, CYC-2012) to eight years (the Agreed\nFramework, CYC-1994)": (
            lambda: (
                _us_cycle_days(merged=False).idxmin() == "CYC-2012"
                and _cycle_days("CYC-2012") < 60
                and _us_cycle_days(merged=False).idxmax() == "CYC-1994"
                and round(_cycle_days("CYC-1994") / 365.25) == 8
            )
        ),
        "track without a US party outlasted several of them": lambda: (
            int((_us_cycle_days(merged=False) < _cycle_days("CYC-2018-IK")).sum()) >= 3
        ),
        "how it compares with the typical US cycle depends\non where one ends the 2005 and 2007 cycles": lambda: (
            _inter_korean_outlasts_the_median(merged=False) != _inter_korean_outlasts_the_median(merged=True)
        ),
        "the cycles in\nwhich nothing was delivered were the shortest": _undelivered_cycles_are_the_shortest,
    },
    "07-hindsight": {
        "## Missile launches, 2012-2023": lambda: (
            (int(data.load_missile_counts()["year"].min()), int(data.load_missile_counts()["year"].max()))
            == (2012, 2023)
        ),
        "the year of the summits, and the years after the\ntalks ended, stand out": _missile_years_that_stand_out,
        "between 14 June and early July": lambda: "between 14 June and about 6 July 2018" in event_notes("ART-01"),
        "a third inter-Korean summit in Pyongyang in September 2018": lambda: (
            f"{_summits({'ROK', 'DPRK'}).iloc[2]:%B %Y}" == event_month("KOR-31") == "September 2018"
        ),
        "two summits had been held in a month and a third followed in September": lambda: (
            _inter_korean_summits_before_singapore() == 2
            and (_summits({"ROK", "DPRK"}).iloc[1] - _summits({"ROK", "DPRK"}).iloc[0]).days <= 31
            and _summits({"ROK", "DPRK"}).iloc[2].month_name() == "September"
        ),
        "in Hanoi in February 2019": lambda: event_month("KOR-32") == "February 2019",
        "(KOR-32, February 2019)": lambda: event_month("KOR-32") == "February 2019",
        "at the DMZ in June 2019": lambda: event_month("KOR-33") == "June 2019",
        "broke down in October\n2019": lambda: event_month("KOR-42") == "October 2019",
        "liaison office in June 2020": lambda: event_month("KOR-34") == "June 2020",
        "by June 2020 the liaison office was destroyed (KOR-34)": lambda: event_month("KOR-34") == "June 2020",
        "On 16 June 2020 North Korea blew up": lambda: event_date("KOR-34") == pd.Timestamp("2020-06-16"),
        "repudiation\nof the military agreement in 2023-24": lambda: (
            {event_date(e).year for e in ("KOR-44", "KOR-45", "KOR-48")} == {2023, 2024}
        ),
        "at the turn of 2024": lambda: (
            event_month("KOR-46") == "December 2023" and event_month("KOR-47") == "January 2024"
        ),
        "`KOR-47` (January 2024)": lambda: event_month("KOR-47") == "January 2024",
        "the 1994 assurances\nwere tested in 2014 and again in 2022": lambda: (
            (agreement("budapest-memorandum")["date"].year, event_date("UKR-30").year, event_date("UKR-32").year)
            == (1994, 2014, 2022)
        ),
        "Since 2014, and especially since 2022": lambda: (
            (event_date("UKR-30").year, event_date("UKR-32").year) == (2014, 2022)
        ),
        "hindsight events to 2024": lambda: int(data.load_events()["date"].dt.year.max()) == 2024,
        "verdicts for predictive claims are given as of 2019": lambda: (
            _latest_year_a_predictive_verdict_rests_on() == 2019
        ),
        "As of 2019 it was partly\nborne out (a third summit, a declaration and a military agreement)": lambda: (
            data.load_claims().set_index("claim_id").loc["C27", "verdict"] == "partly_borne_out"
            and data.load_claims().set_index("claim_id").loc["C27", "event_id"] == "KOR-31"
            and _kinds_of_text_signed_at("KOR-31") == {"declaration", "military agreement"}
        ),
        "dated **after 6 July 2018** (the latest the article can have been": lambda: "6 July" in event_notes("ART-01"),
        "in 1993 John Mearsheimer argued": lambda: _published("mearsheimer-1993").year == 1993,
        "in December 1993\n  The Ukrainian Weekly reported": lambda: (
            f"{_published('ukrweekly-1993-12-05'):%B %Y}" == "December 1993"
        ),
        "Ukraine in the twenty years between": lambda: _years_from_the_arsenal_to_crimea() == 20,
        "an arsenal kept and rebuilt over twenty years": lambda: _years_from_the_arsenal_to_crimea() == 20,
    },
}

NOT_DATA = {
    "00-orientation": [],
    "01-reading-the-argument": [],
    "02-spring-2018": [
        "where two events share a date",
        "Where two events share a date",
        "Five events of the May crisis",
        "the five events of Exercise 5",
        "three relevant events",
        "within 24 hours of what",  # the article's figure, checked by claim C03
    ],
    "03-crisis-management": ["at least two contacts"],
    "04-ukraine-1991-96": ["Two words need care"],  # guarantee and assurance, the two words defined next
    "05-comparing-the-cases": ["Compute it three times"],  # once per coding
    "06-the-cycle": ["at least two events", "at least two relevant events"],  # what a written answer cites
    "07-hindsight": [],
}
