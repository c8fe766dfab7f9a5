"""Common wrong answers, one per exercise at least, that a hidden test must catch.

Keyed by assignment, then by the grade_id of the solution cell. Each entry is
(label, wrong code for that cell, grade_id of the test cell that must score zero).
The round-trip test submits each mistake as its own student and checks that the named test
fails while every other test of the notebook still passes.
"""

MISTAKES: dict[str, dict[str, list[tuple[str, str, str]]]] = {
    "00-orientation": {
        "ex1-answer": [
            ("wrong-filter-context", 'n_korea_2018 = len(events[events["date"].dt.year == 2018])', "ex1-test"),
            ("wrong-year", 'n_korea_2018 = len(events[events["case"] == "korea"])', "ex1-test"),
            (
                "wrong-type-str",
                'n_korea_2018 = str(len(events[(events["case"] == "korea") & (events["date"].dt.year == 2018)]))',
                "ex1-test",
            ),
            (
                "impostor-equals-all",
                "class _Any:\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n    def __le__(self, other): return True\n    def __ge__(self, other): return True\nn_korea_2018 = _Any()",
                "ex1-test",
            ),
        ],
        "ex2-answer": [
            (
                "off-by-one-inclusive",
                'd = events.set_index("event_id")["date"]\ndays_between_summits = (d["KOR-20"] - d["KOR-09"]).days + 1',
                "ex2-test",
            ),
            (
                "wrong-type-timedelta",
                'd = events.set_index("event_id")["date"]\ndays_between_summits = d["KOR-20"] - d["KOR-09"]',
                "ex2-test",
            ),
        ],
        "ex3-answer": [
            ("percentage-not-share", 'share_primary = 100 * (sources["kind"] == "primary").mean()', "ex3-test"),
            ("wrong-category", 'share_primary = (sources["kind"] == "secondary").mean()', "ex3-test"),
        ],
        "ex4-answer": [
            (
                "end-exclusive",
                'w = (events["date"] >= "2018-05-22") & (events["date"] < "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title"]]',
                "ex4-test",
            ),
            (
                "wrong-filter-context",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01")\nmay_crisis = events[w][["date", "event_id", "title"]]',
                "ex4-test",
            ),
            (
                "unsorted",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title"]].sort_values("title")',
                "ex4-test",
            ),
            (
                "extra-column",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title", "case"]]',
                "ex4-test",
            ),
        ],
        "ex5-answer": [
            ("literal-reading", 'precision_answer = "A"', "ex5-test"),
            ("lowercase", 'precision_answer = "b"', "ex5-test"),
        ],
    },
}

MISTAKES.update(
    {
        "01-reading-the-argument": {
            "ex1-answer": [
                ("all-claims", "n_factual = len(claims)", "ex1-test"),
                (
                    "factual-and-causal",
                    'n_factual = int(claims["claim_type"].isin(["factual", "causal"]).sum())',
                    "ex1-test",
                ),
            ],
            "ex2-answer": [
                (
                    "wrong-denominator",
                    'share_factual_flawed = float(((claims["claim_type"] == "factual") & (claims["verdict"] != "accurate")).sum() / len(claims))',
                    "ex2-test",
                ),
                (
                    "accurate-share",
                    'share_factual_flawed = float((claims[claims["claim_type"] == "factual"]["verdict"] == "accurate").mean())',
                    "ex2-test",
                ),
            ],
            "ex3-answer": [
                (
                    "last-not-first",
                    'first_unverified_paragraph = int(claims.loc[claims["verdict"] == "unverified", "paragraph"].max())',
                    "ex3-test",
                ),
                (
                    "wrong-type-float",
                    'first_unverified_paragraph = float(claims.loc[claims["verdict"] == "unverified", "paragraph"].min())',
                    "ex3-test",
                ),
            ],
            "ex4-answer": [
                ("causal-factual-swapped", 'my_types = ["predictive", "causal", "normative", "factual"]', "ex4-test"),
                ("definitions-order", 'my_types = ["factual", "causal", "normative", "predictive"]', "ex4-test"),
            ],
            "ex5-answer": [("peer-review-slogan", 'text_kind = "A"', "ex5-test")],
        },
        "02-spring-2018": {
            "ex1-answer": [
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_to_arrange_first = (d["KOR-09"] - d["KOR-04"]).days + 1',
                    "ex1-test",
                ),
                (
                    "from-date-fixed",
                    'd = events.set_index("event_id")["date"]\ndays_to_arrange_first = (d["KOR-09"] - d["KOR-06"]).days',
                    "ex1-test",
                ),
            ],
            "ex2-answer": [
                (
                    "from-trump-letter",
                    'd = events.set_index("event_id")["date"]\ndays_to_arrange_second = (d["KOR-20"] - d["KOR-17"]).days',
                    "ex2-test",
                )
            ],
            "ex3-answer": [
                ("month-name", 'busiest_month = "May"', "ex3-test"),
                (
                    "quietest",
                    'busiest_month = korea[korea["date"].dt.year == 2018]["date"].dt.strftime("%Y-%m").value_counts().index[-1]',
                    "ex3-test",
                ),
            ],
            "ex4-answer": [
                (
                    "alphabetical",
                    'crisis_order = list(events[events["event_id"].isin(shuffled)].sort_values("title")["event_id"])',
                    "ex4-test",
                ),
                (
                    "latest-first",
                    'crisis_order = list(events[events["event_id"].isin(shuffled)].sort_values(["date", "event_id"], ascending=False)["event_id"])',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [("unmentioned-visit", 'moved_event = "D"', "ex5-test")],
        },
        "03-crisis-management": {
            "ex1-answer": [("includes-cancelled", "n_contacts_held = len(meetings)", "ex1-test")],
            "ex2-answer": [
                (
                    "directed-pairs",
                    'held = meetings[meetings["status"] == "held"]\ntop_pair = "-".join(held.groupby(["side_a", "side_b"]).size().idxmax())',
                    "ex2-test",
                ),
                ("second-pair", 'top_pair = "DPRK-USA"', "ex2-test"),
            ],
            "ex3-answer": [
                (
                    "all-contacts",
                    'held = meetings[meetings["status"] == "held"]\nshare_informal_korean = float((~held["formal"]).mean())',
                    "ex3-test",
                )
            ],
            "ex4-answer": [
                (
                    "side-a-only",
                    'w = meetings[(meetings["date"] >= "2018-05-22") & (meetings["date"] <= "2018-06-12") & (meetings["status"] == "held")]\nus_contacts_crisis = int((w["side_a"] == "USA").sum())',
                    "ex4-test",
                ),
                (
                    "end-exclusive",
                    'w = meetings[(meetings["date"] >= "2018-05-22") & (meetings["date"] < "2018-06-12") & (meetings["status"] == "held")]\nus_contacts_crisis = int(((w["side_a"] == "USA") | (w["side_b"] == "USA")).sum())',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [("the-outcome-not-the-channel", 'rescue_channel = "summit"', "ex5-test")],
        },
        "04-ukraine-1991-96": {
            "ex1-answer": [
                ("high-figure", "warheads_1994 = 2000", "ex1-test"),
                ("start-counting", "warheads_1994 = 1944", "ex1-test"),
            ],
            "ex2-answer": [
                ("ten-per-ss19", "icbm_warheads = 130 * 10 + 46 * 10", "ex2-test"),
                ("swapped", "icbm_warheads = 130 * 10 + 46 * 6", "ex2-test"),
            ],
            "ex3-answer": [
                (
                    "deadline",
                    'days_tactical = (pd.Timestamp("1992-07-01") - events.set_index("event_id")["date"]["UKR-05"]).days',
                    "ex3-test",
                ),
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_tactical = (d["UKR-08"] - d["UKR-05"]).days + 1',
                    "ex3-test",
                ),
            ],
            "ex4-answer": [
                (
                    "includes-budapest",
                    'c = agreements[agreements["parties"].str.contains("UKR") & (agreements["date"] <= "1994-12-05")]\nukraine_bargains = list(c.sort_values("date")["agreement_id"])',
                    "ex4-test",
                ),
                (
                    "includes-start",
                    'c = agreements[agreements["case"].isin(["ukraine", "context"]) & (agreements["date"] < "1994-12-05")]\nukraine_bargains = list(c.sort_values("date")["agreement_id"])',
                    "ex4-test",
                ),
                (
                    "unsorted",
                    'c = agreements[agreements["parties"].str.contains("UKR") & (agreements["date"] < "1994-12-05")]\nukraine_bargains = sorted(c["agreement_id"])',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [("cash", 'compensation_form = "A"', "ex5-test")],
        },
        "05-comparing-the-cases": {
            "ex1-answer": [
                ("incomplete", 'comparison_ratings = {"initiative": 3, "great_power": 1}', "ex1-test"),
                (
                    "out-of-range",
                    'comparison_ratings = {k: 5 for k in ["initiative", "great_power", "informality", "compensation", "security", "verification", "domestic", "weapons"]}',
                    "ex1-test",
                ),
                (
                    "text-ratings",
                    'comparison_ratings = {k: "similar" for k in ["initiative", "great_power", "informality", "compensation", "security", "verification", "domestic", "weapons"]}',
                    "ex1-test",
                ),
            ],
            "ex2-answer": [
                (
                    "includes-context",
                    'n_agreements_ukraine = int(agreements["case"].isin(["ukraine", "context"]).sum())',
                    "ex2-test",
                )
            ],
            "ex3-answer": [
                (
                    "includes-context",
                    'share_political = float(agreements["legal_form"].str.startswith("political").mean())',
                    "ex3-test",
                )
            ],
            "ex4-answer": [
                (
                    "inverted",
                    'spans = {c: (agreements.loc[agreements["case"] == c, "date"].max() - agreements.loc[agreements["case"] == c, "date"].min()).days for c in ["korea", "ukraine"]}\nspan_ratio = spans["korea"] / spans["ukraine"]',
                    "ex4-test",
                )
            ],
            "ex5-answer": [("journalists-are-not-officials", 'witnessed = "C"', "ex5-test")],
        },
        "06-the-cycle": {
            "ex1-answer": [
                (
                    "row-index",
                    'run = simulate_cycle(CycleParameters())\nhalf_round = int(run.index[run["disarmament"] >= 0.5][0])',
                    "ex1-test",
                )
            ],
            "ex2-answer": [
                (
                    "zero-based",
                    "stall_without_us = simulate_cycle(CycleParameters(us_involvement=0.0)).attrs['stalled_at'] - 1",
                    "ex2-test",
                )
            ],
            "ex3-answer": [
                (
                    "last-stalling",
                    'min_reciprocity = max(r for r in grid if simulate_cycle(CycleParameters(us_involvement=0.0, reciprocity=r)).attrs["stalled_at"] is not None)',
                    "ex3-test",
                ),
                ("first-of-grid", "min_reciprocity = grid[0]", "ex3-test"),
            ],
            "ex4-answer": [
                (
                    "counts-survivors",
                    'stalled_runs = sum(simulate_cycle(CycleParameters(spoiler_chance=0.4, seed=s)).attrs["stalled_at"] is None for s in range(50))',
                    "ex4-test",
                )
            ],
            "ex5-answer": [("spoilers", 'us_assumption = "C"', "ex5-test")],
        },
        "07-hindsight": {
            "ex1-answer": [
                (
                    "includes-normative",
                    'scorecard = claims[claims["claim_type"].isin(["predictive", "normative"])][["claim_id", "paragraph", "verdict"]].sort_values("claim_id")',
                    "ex1-test",
                ),
                (
                    "wrong-columns",
                    'scorecard = claims[claims["claim_type"] == "predictive"][["claim_id", "verdict"]].sort_values("claim_id")',
                    "ex1-test",
                ),
            ],
            "ex2-answer": [
                (
                    "keeps-not-testable",
                    'p = claims[claims["claim_type"] == "predictive"]\nshare_not_borne_out = float((p["verdict"] == "not_borne_out").mean())',
                    "ex2-test",
                )
            ],
            "ex3-answer": [
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_singapore_to_hanoi = (d["KOR-32"] - d["KOR-25"]).days + 1',
                    "ex3-test",
                )
            ],
            "ex4-answer": [
                (
                    "naive-year-difference",
                    'd = events.set_index("event_id")["date"]\nyears_budapest_to_unga = d["UKR-31"].year - d["UKR-22"].year',
                    "ex4-test",
                )
            ],
            "ex5-answer": [("singapore", 'liaison_claim = "C22"', "ex5-test")],
        },
    }
)
