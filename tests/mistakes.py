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
                    "ukrainians-too",
                    'd = events.set_index("event_id")["date"]\nbetween = events[(events["case"] == "ukraine") & (events["date"] > d["UKR-09"]) & (events["date"] < d["UKR-18"])]\npeople = event_actors[event_actors["event_id"].isin(between["event_id"])].merge(actors, on="actor_id")\ncounterpart_roles = sorted(people.loc[people["kind"] == "person", "role"].unique())',
                    "ex4-test",
                ),
                (
                    "inclusive-window",
                    'd = events.set_index("event_id")["date"]\nbetween = events[(events["case"] == "ukraine") & (events["date"] >= d["UKR-09"]) & (events["date"] <= d["UKR-18"])]\npeople = event_actors[event_actors["event_id"].isin(between["event_id"])].merge(actors, on="actor_id")\nforeign = people[(people["kind"] == "person") & people["affiliation"].isin(["USA", "RUS"])]\ncounterpart_roles = sorted(foreign["role"].unique())',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [
                ("cash", 'compensation_form = "A"', "ex5-test"),
                ("gas-debt", 'compensation_form = "D"', "ex5-test"),
            ],
            "ex6-answer": [
                (
                    "end-exclusive",
                    'start = events.set_index("event_id").loc[claims.set_index("claim_id").loc["C16", "event_id"], "date"]\nchosen = agreements[agreements["parties"].str.contains("UKR") & (agreements["date"] >= start) & (agreements["date"] < "1994-12-05")]\nwhat_followed = chosen.sort_values(["date", "agreement_id"])[["agreement_id", "date", "legal_status"]]',
                    "ex6-test",
                ),
                (
                    "no-party-filter",
                    'start = events.set_index("event_id").loc[claims.set_index("claim_id").loc["C16", "event_id"], "date"]\nchosen = agreements[(agreements["date"] >= start) & (agreements["date"] <= "1994-12-05")]\nwhat_followed = chosen.sort_values(["date", "agreement_id"])[["agreement_id", "date", "legal_status"]]',
                    "ex6-test",
                ),
            ],
            "ex7-answer": [
                (
                    "denominator-44",
                    'b = arsenal[arsenal["system"] == "heavy_bombers"].set_index("observation_id")\ninherited = int(b.loc["A-18", "count_best"])\nmuseum = int(b.loc["A-26", "count_best"] - b.loc["A-26", "count_low"])\nshare_ctr = {"as_coded": int(b.loc["A-19", "count_best"]) / inherited, "cut_up_only": (int(b.loc["A-19", "count_best"]) - museum) / inherited}',
                    "ex7-test",
                ),
                (
                    "museum-kept",
                    'b = arsenal[arsenal["system"] == "heavy_bombers"].set_index("observation_id")\nshare = int(b.loc["A-19", "count_best"]) / (int(b.loc["A-19", "count_best"]) + int(b.loc["A-20", "count_best"]))\nshare_ctr = {"as_coded": share, "cut_up_only": share}',
                    "ex7-test",
                ),
            ],
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
                    "reference-counted",
                    'j = agreements.merge(sources[["source_id", "kind"]].rename(columns={"kind": "source_kind"}), on="source_id")\nshare_primary_text = {c: float(j.loc[j["case"] == c, "source_kind"].isin(["primary", "reference"]).mean()) for c in ["korea", "ukraine"]}',
                    "ex2-test",
                ),
                (
                    "agreement-kind",
                    'j = agreements.merge(sources[["source_id", "kind"]], on="source_id")\nshare_primary_text = {c: float((j.loc[j["case"] == c, "kind_x"] == "primary").mean()) for c in ["korea", "ukraine"]}',
                    "ex2-test",
                ),
            ],
            "ex3-answer": [
                (
                    "domestic-counted",
                    'share_binding = {c: float(agreements.loc[agreements["case"] == c, "legal_status"].isin(["binding", "domestic"]).mean()) for c in ["korea", "ukraine"]}',
                    "ex3-test",
                ),
                (
                    "with-context",
                    'share_binding = {"korea": float((agreements.loc[agreements["case"] == "korea", "legal_status"] == "binding").mean()), "ukraine": float((agreements.loc[agreements["case"].isin(["ukraine", "context"]), "legal_status"] == "binding").mean())}',
                    "ex3-test",
                ),
            ],
            "ex4-answer": [
                (
                    "no-recode",
                    'g = float((agreements.loc[agreements["case"] == "ukraine", "legal_status"] == "binding").mean() - (agreements.loc[agreements["case"] == "korea", "legal_status"] == "binding").mean())\ngap_by_coding = {"as_coded": g, "budapest_binding": g, "domestic_binding": g}',
                    "ex4-test",
                ),
                (
                    "reversed",
                    'def gap(t):\n    s = lambda c: (t.loc[t["case"] == c, "legal_status"] == "binding").mean()\n    return float(s("korea") - s("ukraine"))\nb = agreements.copy()\nb["legal_status"] = b["legal_status"].astype(str)\nb.loc[b["agreement_id"] == "budapest-memorandum", "legal_status"] = "binding"\nd = agreements.copy()\nd["legal_status"] = d["legal_status"].astype(str).replace("domestic", "binding")\ngap_by_coding = {"as_coded": gap(agreements), "budapest_binding": gap(b), "domestic_binding": gap(d)}',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [
                ("journalists-are-not-officials", 'witnessed = "C"', "ex5-test"),
                ("korea", 'witnessed = "A"', "ex5-test"),
            ],
            "ex6-answer": [
                (
                    "from-lisbon",
                    'out = events.set_index("event_id")["date"]\ndays_to_clear = {s: int((out[e] - out["UKR-09"]).days) for s, e in last_weapons_out.items()}',
                    "ex6-test",
                ),
                (
                    "inclusive",
                    'acc = agreements[agreements["kind"] == "treaty accession"].set_index("parties")["date"]\nout = events.set_index("event_id")["date"]\ndays_to_clear = {s: int((out[e] - acc[s]).days) + 1 for s, e in last_weapons_out.items()}',
                    "ex6-test",
                ),
            ],
        },
        "06-the-cycle": {
            "ex1-answer": [
                ("row-index", 'stall_with_us = simulate_cycle(CycleParameters()).attrs["stalled_at"] - 1', "ex1-test"),
            ],
            "ex2-answer": [
                (
                    "zero-based",
                    'stall_without_us = simulate_cycle(CycleParameters(us_involvement=0.0)).attrs["stalled_at"] - 1',
                    "ex2-test",
                ),
                ("with-us", 'stall_without_us = simulate_cycle(CycleParameters()).attrs["stalled_at"]', "ex2-test"),
            ],
            "ex3-answer": [
                (
                    "counts-survivors",
                    'stalled_runs = {k: sum(simulate_cycle(CycleParameters(us_involvement=u, seed=s)).attrs["stalled_at"] is None for s in range(50)) for k, u in [("with_us", 1.0), ("without_us", 0.0)]}',
                    "ex3-test",
                ),
                (
                    "one-seed",
                    'stalled_runs = {k: 50 * (simulate_cycle(CycleParameters(us_involvement=u)).attrs["stalled_at"] is not None) for k, u in [("with_us", 1.0), ("without_us", 0.0)]}',
                    "ex3-test",
                ),
            ],
            "ex4-answer": [("spoilers", 'us_assumption = "C"', "ex4-test")],
            "ex5-answer": [
                (
                    "us-for-every-cycle",
                    'dates = events.set_index("event_id")["date"]\nparties = agreements.set_index("agreement_id")["parties"]\nhindcast = pd.DataFrame([{"cycle_id": c.cycle_id, "us_party": "USA" in parties[c.agreement_id], "observed_months": (dates[c.end_event_id] - dates[c.start_event_id]).days / 30.4375, "model_months": simulate_cycle(CycleParameters(rounds=120)).attrs["stalled_at"]} for c in cycles.itertuples()])',
                    "ex5-test",
                ),
                (
                    "thirty-day-months",
                    'dates = events.set_index("event_id")["date"]\nparties = agreements.set_index("agreement_id")["parties"]\nhindcast = pd.DataFrame([{"cycle_id": c.cycle_id, "us_party": "USA" in parties[c.agreement_id], "observed_months": (dates[c.end_event_id] - dates[c.start_event_id]).days / 30, "model_months": simulate_cycle(CycleParameters(us_involvement=1.0 if "USA" in parties[c.agreement_id] else 0.0, rounds=120)).attrs["stalled_at"]} for c in cycles.itertuples()])',
                    "ex5-test",
                ),
            ],
            "ex6-answer": [
                ("ranks", 'hindcast_reading = "A"', "ex6-test"),
                ("record-agrees", 'hindcast_reading = "C"', "ex6-test"),
            ],
            "ex7-answer": [
                (
                    "mean-not-median",
                    'd = events.set_index("event_id")["date"]\nn = {c.cycle_id: (d[c.end_event_id] - d[c.start_event_id]).days for c in cycles.itertuples()}\nus = [c for c in n if c != "CYC-2018-IK"]\nm = [n[c] for c in us if c not in ("CYC-2005", "CYC-2007")] + [(d["CTX-19"] - d["CTX-14"]).days]\nmedian_us_days = {"as_coded": float(pd.Series([n[c] for c in us]).mean()), "merged": float(pd.Series(m).mean())}\nik_longer = {k: n["CYC-2018-IK"] > v for k, v in median_us_days.items()}',
                    "ex7-test",
                ),
                (
                    "merged-without-dropping",
                    'd = events.set_index("event_id")["date"]\nn = {c.cycle_id: (d[c.end_event_id] - d[c.start_event_id]).days for c in cycles.itertuples()}\nus = [c for c in n if c != "CYC-2018-IK"]\nm = [n[c] for c in us] + [(d["CTX-19"] - d["CTX-14"]).days]\nmedian_us_days = {"as_coded": float(pd.Series([n[c] for c in us]).median()), "merged": float(pd.Series(m).median())}\nik_longer = {k: n["CYC-2018-IK"] > v for k, v in median_us_days.items()}',
                    "ex7-test",
                ),
            ],
        },
        "07-hindsight": {
            "ex1-answer": [
                (
                    "includes-normative",
                    'p = claims[claims["claim_type"].isin(["predictive", "normative"])]\nscorecard = p.merge(events[["event_id", "title"]], on="event_id")[["claim_id", "verdict", "event_id", "title"]].sort_values("claim_id")',
                    "ex1-test",
                ),
                (
                    "no-join",
                    'scorecard = claims[claims["claim_type"] == "predictive"][["claim_id", "verdict", "event_id"]].sort_values("claim_id")',
                    "ex1-test",
                ),
            ],
            "ex2-answer": [
                (
                    "keeps-not-testable",
                    'def s(t):\n    p = t[t["claim_type"] == "predictive"]\n    return float((p["verdict"] == "not_borne_out").mean())\ndef r(v):\n    c = claims.copy()\n    c["verdict"] = c["verdict"].astype(str)\n    c.loc[c["claim_id"] == "C27", "verdict"] = v\n    return c\nshare_by_coding = {"as_of_2019": s(claims), "strict_2024": s(r("not_borne_out")), "conditional_2024": s(r("not_testable"))}',
                    "ex2-test",
                ),
                (
                    "no-recode",
                    'p = claims[claims["claim_type"] == "predictive"]\nt = p[p["verdict"] != "not_testable"]\nx = float((t["verdict"] == "not_borne_out").mean())\nshare_by_coding = {"as_of_2019": x, "strict_2024": x, "conditional_2024": x}',
                    "ex2-test",
                ),
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
                    "primary-not-state-media",
                    'later = events[(events["case"] == "korea") & (events["date"] > "2018-07-06")]\nj = later.merge(sources[["source_id", "kind"]], on="source_id")\nstate_media_events = sorted(j.loc[j["kind"] == "primary", "event_id"])',
                    "ex4-test",
                ),
                (
                    "no-date-filter",
                    'j = events[events["case"] == "korea"].merge(sources[["source_id", "viewpoint"]], on="source_id")\nstate_media_events = sorted(j.loc[j["viewpoint"] == "DPRK state media", "event_id"])',
                    "ex4-test",
                ),
            ],
            "ex5-answer": [("state-media-useless", 'kcna_evidence = "B"', "ex5-test")],
            "ex6-answer": [("singapore", 'liaison_claim = "C22"', "ex6-test")],
        },
    }
)
