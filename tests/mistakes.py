"""Common wrong answers, one per exercise at least, that a hidden test must catch.

Keyed by assignment, then by the grade_id of the solution cell. Each entry is
(label, wrong code for that cell, grade_id of the test cell that must score zero), optionally
followed by a fragment of the message the student must see: the hidden test's near-miss message,
or the visible test's message or hint when that is what the mistake trips. A fragment of the form
"<value>, which is not the expected answer" records that the test has no near miss for the mistake yet.
The round-trip test submits each mistake as its own student and checks that the named test
fails while every other test of the notebook still passes, and that the message, when given,
is in what that test shows the student: a near miss that can never fire would leave the student
without it.
"""

MISTAKES: dict[str, dict[str, list[tuple[str, ...]]]] = {
    "00-orientation": {
        "ex1-answer": [
            (
                "wrong-filter-context",
                'n_korea_2018 = len(events[events["date"].dt.year == 2018])',
                "ex1-test",
                "counts the context events",
            ),
            (
                "wrong-year",
                'n_korea_2018 = len(events[events["case"] == "korea"])',
                "ex1-test",
                "Korea events of every year",
            ),
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
            ("earlier-statement", 'statement_answered = "KOR-37"', "ex2-test", "began the quarrel"),
            ("the-reply", 'statement_answered = "KOR-18"', "ex2-test", "came the day after the letter"),
            ("pence-remark", 'statement_answered = "KOR-39"', "ex2-test", "not what Pence said"),
        ],
        "ex3-answer": [
            (
                "bibliography-share",
                'share_primary_2018 = float((sources["kind"] == "primary").mean())',
                "ex3-test",
                "whole bibliography",
            ),
            (
                "every-year",
                'k = events[events["case"] == "korea"].merge(sources[["source_id", "kind"]], on="source_id")\nshare_primary_2018 = float((k["kind"] == "primary").mean())',
                "ex3-test",
                "every year",
            ),
            (
                "reference-as-primary",
                'k = events[(events["case"] == "korea") & (events["date"].dt.year == 2018)].merge(sources, on="source_id")\nshare_primary_2018 = float((k["kind"] != "secondary").mean())',
                "ex3-test",
                "reference work",
            ),
            (
                "percentage-not-share",
                'k = events[(events["case"] == "korea") & (events["date"].dt.year == 2018)].merge(sources, on="source_id")\nshare_primary_2018 = float(100 * (k["kind"] == "primary").mean())',
                "ex3-test",
                "divide a percentage by 100",
            ),
        ],
        "ex4-answer": [
            (
                "end-exclusive",
                'w = (events["date"] >= "2018-05-22") & (events["date"] < "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w].merge(sources, on="source_id")[["date", "event_id", "title_x", "viewpoint"]].rename(columns={"title_x": "title"})',
                "ex4-test",
            ),
            (
                "wrong-filter-context",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01")\nmay_crisis = events[w].merge(sources[["source_id", "viewpoint"]], on="source_id").sort_values(["date", "event_id"])[["date", "event_id", "title", "viewpoint"]]',
                "ex4-test",
            ),
            (
                "unsorted",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w].merge(sources[["source_id", "viewpoint"]], on="source_id")[["date", "event_id", "title", "viewpoint"]].sort_values("title")',
                "ex4-test",
            ),
            (
                "no-join",
                'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title"]]',
                "ex4-test",
            ),
        ],
        "ex5-answer": [
            ("literal-reading", 'precision_answer = "A"', "ex5-test", "stored as the first day of the month"),
            ("precision-alone", 'precision_answer = "B"', "ex5-test", "read ART-01's notes"),
            ("lowercase", 'precision_answer = "c"', "ex5-test"),
        ],
    },
}

MISTAKES.update(
    {
        "01-reading-the-argument": {
            "ex1-answer": [
                ("all-claims", "n_factual = len(claims)", "ex1-test", "counts every claim"),
                (
                    "factual-and-causal",
                    'n_factual = int(claims["claim_type"].isin(["factual", "causal"]).sum())',
                    "ex1-test",
                    "causal claims are a different type",
                ),
            ],
            "ex2-answer": [
                (
                    "all-claims",
                    'k = claims.merge(sources[["source_id", "kind"]], on="source_id")\nshare_factual_primary = float((k["kind"] == "primary").mean())',
                    "ex2-test",
                    "keep only the factual ones",
                ),
                (
                    "reference-as-primary",
                    'k = claims.merge(sources[["source_id", "kind"]], on="source_id")\nshare_factual_primary = float((k[k["claim_type"] == "factual"]["kind"] != "secondary").mean())',
                    "ex2-test",
                    "reference work",
                ),
                (
                    "not-primary",
                    'k = claims.merge(sources[["source_id", "kind"]], on="source_id")\nshare_factual_primary = float((k[k["claim_type"] == "factual"]["kind"] != "primary").mean())',
                    "ex2-test",
                    "whose source is not primary",
                ),
            ],
            "ex3-answer": [
                (
                    "claims-own-confidence",
                    'uncertain_checks = sorted(claims[(claims["claim_type"] == "factual") & (claims["confidence"] != "high")]["claim_id"])',
                    "ex3-test",
                    "claims' own confidence",
                ),
                (
                    "all-claims",
                    'k = claims.merge(events[["event_id", "confidence"]], on="event_id", suffixes=("", "_event"))\nuncertain_checks = sorted(k[k["confidence_event"] != "high"]["claim_id"])',
                    "ex3-test",
                    "keep only the factual claims",
                ),
                (
                    "unsorted",
                    'k = claims.merge(events[["event_id", "confidence"]], on="event_id", suffixes=("", "_event"))\nuncertain_checks = sorted(k[(k["claim_type"] == "factual") & (k["confidence_event"] != "high")]["claim_id"], reverse=True)',
                    "ex3-test",
                    "sort the list",
                ),
            ],
            "ex4-answer": [
                ("causal-factual-swapped", 'my_types = ["predictive", "causal", "normative", "factual"]', "ex4-test"),
                ("definitions-order", 'my_types = ["factual", "causal", "normative", "predictive"]', "ex4-test"),
            ],
            "ex5-answer": [
                ("peer-review-slogan", 'text_kind = "A"', "ex5-test", "slogan says 'peer reviewed'"),
                ("news-report", 'text_kind = "C"', "ex5-test", "argues for a course of action"),
            ],
            "ex6-answer": [
                (
                    "latest-so-far",
                    'e = events[["event_id", "date"]].rename(columns={"date": "event_date"})\ns = claims[claims["paragraph"].between(1, 5)].merge(e, on="event_id").sort_values("claim_id")\ntold_out_of_order = list(s.loc[s["event_date"] < s["event_date"].cummax(), "claim_id"])',
                    "ex6-test",
                    "not with the latest event so far",
                ),
                (
                    "later-not-earlier",
                    'e = events[["event_id", "date"]].rename(columns={"date": "event_date"})\ns = claims[claims["paragraph"].between(1, 5)].merge(e, on="event_id").sort_values("claim_id")\ntold_out_of_order = list(s.loc[s["event_date"] > s["event_date"].shift(), "claim_id"])',
                    "ex6-test",
                    "whose event came later",
                ),
            ],
            "ex7-answer": [
                ("order-as-time", 'demolition_dating = "A"', "ex7-test", "unfair to the author"),
                ("record-not-article", 'demolition_dating = "C"', "ex7-test", "the article does not say it"),
            ],
        },
        "02-spring-2018": {
            "ex1-answer": [
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_to_arrange_first = (d["KOR-09"] - d["KOR-04"]).days + 1',
                    "ex1-test",
                    "counted both end days",
                ),
                (
                    "from-date-fixed",
                    'd = events.set_index("event_id")["date"]\ndays_to_arrange_first = (d["KOR-09"] - d["KOR-06"]).days',
                    "ex1-test",
                    "from the day the date was fixed",
                ),
            ],
            "ex2-answer": [
                ("from-trump-letter", 'counted_from = "KOR-17"', "ex2-test", "about 40 hours"),
                ("kim-kye-gwan", 'counted_from = "KOR-18"', "ex2-test", "addressed to Washington"),
            ],
            "ex3-answer": [
                (
                    "both-sides",
                    'l = events[events["title"].str.contains("Libya")][["event_id"]].merge(event_actors, on="event_id").merge(actors, on="actor_id")\nlibya_speakers_us = sorted(l["name"])',
                    "ex3-test",
                    "affiliation is 'USA'",
                ),
                (
                    "ids-not-names",
                    'l = events[events["title"].str.contains("Libya")][["event_id"]].merge(event_actors, on="event_id").merge(actors, on="actor_id")\nlibya_speakers_us = sorted(l.loc[l["affiliation"] == "USA", "actor_id"])',
                    "ex3-test",
                    "use the `name` column",
                ),
            ],
            "ex4-answer": [
                ("medium-confidence", 'firsthand_libya = "KOR-38"', "ex4-test", "'last week'"),
                ("bolton", 'firsthand_libya = "KOR-36"', "ex4-test", "news report of the broadcast"),
            ],
            "ex5-answer": [
                (
                    "alphabetical",
                    'crisis_order = list(events[events["event_id"].isin(shuffled)].sort_values("title")["event_id"])',
                    "ex5-test",
                    "the order is not",
                ),
                (
                    "latest-first",
                    'crisis_order = list(events[events["event_id"].isin(shuffled)].sort_values(["date", "event_id"], ascending=False)["event_id"])',
                    "ex5-test",
                ),
            ],
            "ex6-answer": [
                (
                    "korean-date",
                    'kor16_washington_date = "2018-05-24"\ncrisis_order_washington = ["KOR-16", "KOR-17", "KOR-19", "KOR-20", "KOR-24"]',
                    "ex6-test",
                    "that is the date in Korea",
                ),
                (
                    "added-hours",
                    'kor16_washington_date = "2018-05-25"\nr = events.copy()\nr.loc[r["event_id"] == "KOR-16", "date"] = pd.Timestamp(kor16_washington_date)\ncrisis_order_washington = list(r[r["event_id"].isin(shuffled)].sort_values(["date", "event_id"])["event_id"])',
                    "ex6-test",
                    "subtract the 13 hours",
                ),
            ],
            "ex7-answer": [
                ("paragraph-order", 'weak_point = "B"', "ex7-test", "order of paragraphs"),
                ("later-letter", 'weak_point = "C"', "ex7-test", "what happened later"),
            ],
        },
        "03-crisis-management": {
            "ex1-answer": [
                (
                    "directed-pairs",
                    'held = meetings[meetings["status"] == "held"]\ntop_pair = "-".join(held.groupby(["side_a", "side_b"], observed=True).size().idxmax())',
                    "ex1-test",
                    "use pair_label to write the pair's name",
                ),
                ("in-person-pair", 'top_pair = "DPRK-ROK"', "ex1-test", "meetings in person"),
            ],
            "ex2-answer": [
                (
                    "hidden-tie",
                    'h = meetings[meetings["status"] == "held"]\ntop = lambda c: sorted(pd.Series([pair_label(a, b) for a, b in zip(c["side_a"], c["side_b"])]).value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0]\nbusiest_by_rule = {"as_coded": top(h), "without_tv_remarks": top(h[~h["meeting_id"].isin(["M18-28", "M18-30"])]), "without_statements": top(h[h["channel"] != "statement"])}',
                    "ex2-test",
                    "which hides the tie",
                ),
                (
                    "wrong-keys",
                    'busiest_by_rule = {"all": "DPRK-USA", "no_tv": "tie", "no_statements": "DPRK-ROK"}',
                    "ex2-test",
                    "use exactly the keys",
                ),
            ],
            "ex3-answer": [
                (
                    "side-a-only",
                    'w = meetings[(meetings["date"] >= "2018-05-22") & (meetings["date"] <= "2018-06-12") & (meetings["status"] == "held")]\nus_contacts_crisis = int((w["side_a"] == "USA").sum())',
                    "ex3-test",
                    "either side",
                ),
                (
                    "end-exclusive",
                    'w = meetings[(meetings["date"] >= "2018-05-22") & (meetings["date"] < "2018-06-12") & (meetings["status"] == "held")]\nus_contacts_crisis = int(((w["side_a"] == "USA") | (w["side_b"] == "USA")).sum())',
                    "ex3-test",
                    "include both 22 May and 12 June",
                ),
            ],
            "ex4-answer": [
                ("the-outcome-not-the-channel", 'rescue_channel = "summit"', "ex4-test", "led to a summit"),
                ("envoy", 'rescue_channel = "envoy"', "ex4-test", "no envoy travelled"),
            ],
            "ex5-answer": [
                (
                    "either-not-both",
                    'l = actors.loc[actors["role"].str.startswith(("President of", "Chairman of the State Affairs Commission")), "actor_id"]\nh = meetings[meetings["status"] == "held"]\nn_below_leaders = int((~h["lead_a"].isin(l) | ~h["lead_b"].isin(l)).sum())',
                    "ex5-test",
                    "at least one lead",
                ),
                (
                    "contains-president",
                    'l = actors.loc[actors["role"].str.contains("President"), "actor_id"]\nh = meetings[meetings["status"] == "held"]\nn_below_leaders = int((~h["lead_a"].isin(l) & ~h["lead_b"].isin(l)).sum())',
                    "ex5-test",
                    "Vice President is not",
                ),
                (
                    "includes-cancelled",
                    'l = actors.loc[actors["role"].str.startswith(("President of", "Chairman of the State Affairs Commission")), "actor_id"]\nn_below_leaders = int((~meetings["lead_a"].isin(l) & ~meetings["lead_b"].isin(l)).sum())',
                    "ex5-test",
                    "leave out the cancelled contact",
                ),
            ],
            "ex6-answer": [
                (
                    "all-contacts",
                    'h = meetings[meetings["status"] == "held"]\np = [pair_label(a, b) for a, b in zip(h["side_a"], h["side_b"])]\nprimary_by_pair = {k: p.count(k) for k in ["DPRK-ROK", "DPRK-USA"]}',
                    "ex6-test",
                    "counts every held contact",
                ),
                (
                    "shares-not-counts",
                    'h = meetings[meetings["status"] == "held"].merge(sources[["source_id", "kind"]], on="source_id")\nh["pair"] = [pair_label(a, b) for a, b in zip(h["side_a"], h["side_b"])]\nprimary_by_pair = {k: float((h.loc[h["pair"] == k, "kind"] == "primary").mean()) for k in ["DPRK-ROK", "DPRK-USA"]}',
                    "ex6-test",
                    "not a share",
                ),
            ],
            "ex7-answer": [
                (
                    "new-york-for-the-door",
                    'explanation_events = {"sanctions": "CTX-34", "kims_line": "KOR-08", "china": "CTX-09", "door_open": "KOR-22", "mediation": "KOR-20"}',
                    "ex7-test",
                    "New York talks",
                ),
                (
                    "swapped",
                    'explanation_events = {"sanctions": "KOR-08", "kims_line": "CTX-34", "china": "CTX-09", "door_open": "KOR-17", "mediation": "KOR-20"}',
                    "ex7-test",
                    "decision of the Security Council",
                ),
            ],
        },
        "04-ukraine-1991-96": {
            "ex1-answer": [
                ("high-figure", "warheads_1994 = 2000", "ex1-test", "the highest figure in the sources"),
                (
                    "start-counting",
                    "warheads_1994 = 1944",
                    "ex1-test",
                    "the number 1,944, which is not the expected answer",
                ),
            ],
            "ex2-answer": [
                ("ten-per-ss19", "icbm_warheads = 130 * 10 + 46 * 10", "ex2-test", "gives the SS-19 ten warheads"),
                ("swapped", "icbm_warheads = 130 * 10 + 46 * 6", "ex2-test", "not the other way round"),
            ],
            "ex3-answer": [
                (
                    "deadline",
                    'days_tactical = (pd.Timestamp("1992-07-01") - events.set_index("event_id")["date"]["UKR-05"]).days',
                    "ex3-test",
                    "that is the deadline",
                ),
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_tactical = (d["UKR-08"] - d["UKR-05"]).days + 1',
                    "ex3-test",
                    "you counted both end days",
                ),
            ],
            "ex4-answer": [
                (
                    "ukrainians-too",
                    'd = events.set_index("event_id")["date"]\nbetween = events[(events["case"] == "ukraine") & (events["date"] > d["UKR-09"]) & (events["date"] < d["UKR-18"])]\npeople = event_actors[event_actors["event_id"].isin(between["event_id"])].merge(actors, on="actor_id")\ncounterpart_roles = sorted(people.loc[people["kind"] == "person", "role"].unique())',
                    "ex4-test",
                    "keep the counterparts only",
                ),
                (
                    "inclusive-window",
                    'd = events.set_index("event_id")["date"]\nbetween = events[(events["case"] == "ukraine") & (events["date"] >= d["UKR-09"]) & (events["date"] <= d["UKR-18"])]\npeople = event_actors[event_actors["event_id"].isin(between["event_id"])].merge(actors, on="actor_id")\nforeign = people[(people["kind"] == "person") & people["affiliation"].isin(["USA", "RUS"])]\ncounterpart_roles = sorted(foreign["role"].unique())',
                    "ex4-test",
                    "leaves out the Lisbon Protocol and the Trilateral Statement",
                ),
            ],
            "ex5-answer": [
                ("cash", 'compensation_form = "A"', "ex5-test", "Nunn-Lugar money paid for dismantlement"),
                ("gas-debt", 'compensation_form = "D"', "ex5-test", "failed Massandra deal"),
            ],
            "ex6-answer": [
                (
                    "end-exclusive",
                    'start = events.set_index("event_id").loc[claims.set_index("claim_id").loc["C16", "event_id"], "date"]\nchosen = agreements[agreements["parties"].str.contains("UKR") & (agreements["date"] >= start) & (agreements["date"] < "1994-12-05")]\nwhat_followed = chosen.sort_values(["date", "agreement_id"])[["agreement_id", "date", "legal_status"]]',
                    "ex6-test",
                    "include 5 December 1994 itself",
                ),
                (
                    "no-party-filter",
                    'start = events.set_index("event_id").loc[claims.set_index("claim_id").loc["C16", "event_id"], "date"]\nchosen = agreements[(agreements["date"] >= start) & (agreements["date"] <= "1994-12-05")]\nwhat_followed = chosen.sort_values(["date", "agreement_id"])[["agreement_id", "date", "legal_status"]]',
                    "ex6-test",
                    "keep only agreements with UKR among the parties",
                ),
            ],
            "ex7-answer": [
                (
                    "denominator-44",
                    'b = arsenal[arsenal["system"] == "heavy_bombers"].set_index("observation_id")\ninherited = int(b.loc["A-18", "count_best"])\nmuseum = int(b.loc["A-26", "count_best"] - b.loc["A-26", "count_low"])\nshare_ctr = {"as_coded": int(b.loc["A-19", "count_best"]) / inherited, "cut_up_only": (int(b.loc["A-19", "count_best"]) - museum) / inherited}',
                    "ex7-test",
                    "the usual count of inherited bombers (A-18)",
                ),
                (
                    "museum-kept",
                    'b = arsenal[arsenal["system"] == "heavy_bombers"].set_index("observation_id")\nshare = int(b.loc["A-19", "count_best"]) / (int(b.loc["A-19", "count_best"]) + int(b.loc["A-20", "count_best"]))\nshare_ctr = {"as_coded": share, "cut_up_only": share}',
                    "ex7-test",
                    "that is the share as coded",
                ),
            ],
        },
        "05-comparing-the-cases": {
            "ex1-answer": [
                (
                    "incomplete",
                    'comparison_ratings = {"initiative": 3, "great_power": 1}',
                    "ex1-test",
                    "rate every dimension; missing",
                ),
                (
                    "out-of-range",
                    'comparison_ratings = {k: 5 for k in ["initiative", "great_power", "informality", "compensation", "security", "verification", "domestic", "weapons"]}',
                    "ex1-test",
                    "each rating must be a whole number from 0 to 4",
                ),
                (
                    "text-ratings",
                    'comparison_ratings = {k: "similar" for k in ["initiative", "great_power", "informality", "compensation", "security", "verification", "domestic", "weapons"]}',
                    "ex1-test",
                    "each rating must be a whole number from 0 to 4",
                ),
            ],
            "ex2-answer": [
                (
                    "reference-counted",
                    'j = agreements.merge(sources[["source_id", "kind"]].rename(columns={"kind": "source_kind"}), on="source_id")\nshare_primary_text = {c: float(j.loc[j["case"] == c, "source_kind"].isin(["primary", "reference"]).mean()) for c in ["korea", "ukraine"]}',
                    "ex2-test",
                    "a reference work (an encyclopedia) is not the text itself",
                ),
                (
                    "agreement-kind",
                    'j = agreements.merge(sources[["source_id", "kind"]], on="source_id")\nshare_primary_text = {c: float((j.loc[j["case"] == c, "kind_x"] == "primary").mean()) for c in ["korea", "ukraine"]}',
                    "ex2-test",
                    "agreements has a kind column of its own",
                ),
            ],
            "ex3-answer": [
                (
                    "domestic-counted",
                    'share_binding = {c: float(agreements.loc[agreements["case"] == c, "legal_status"].isin(["binding", "domestic"]).mean()) for c in ["korea", "ukraine"]}',
                    "ex3-test",
                    "does not bind North Korea",
                ),
                (
                    "with-context",
                    'share_binding = {"korea": float((agreements.loc[agreements["case"] == "korea", "legal_status"] == "binding").mean()), "ukraine": float((agreements.loc[agreements["case"].isin(["ukraine", "context"]), "legal_status"] == "binding").mean())}',
                    "ex3-test",
                    "START I is a context row",
                ),
            ],
            "ex4-answer": [
                (
                    "no-recode",
                    'g = float((agreements.loc[agreements["case"] == "ukraine", "legal_status"] == "binding").mean() - (agreements.loc[agreements["case"] == "korea", "legal_status"] == "binding").mean())\ngap_by_coding = {"as_coded": g, "budapest_binding": g, "domestic_binding": g}',
                    "ex4-test",
                    "that is the gap as coded",
                ),
                (
                    "reversed",
                    'def gap(t):\n    s = lambda c: (t.loc[t["case"] == c, "legal_status"] == "binding").mean()\n    return float(s("korea") - s("ukraine"))\nb = agreements.copy()\nb["legal_status"] = b["legal_status"].astype(str)\nb.loc[b["agreement_id"] == "budapest-memorandum", "legal_status"] = "binding"\nd = agreements.copy()\nd["legal_status"] = d["legal_status"].astype(str).replace("domestic", "binding")\ngap_by_coding = {"as_coded": gap(agreements), "budapest_binding": gap(b), "domestic_binding": gap(d)}',
                    "ex4-test",
                    "subtract Korea's share from Ukraine's",
                ),
            ],
            "ex5-answer": [
                ("journalists-are-not-officials", 'witnessed = "C"', "ex5-test", "no officials, experts or inspectors"),
                ("korea", 'witnessed = "A"', "ex5-test", "watched by journalists only"),
            ],
            "ex6-answer": [
                (
                    "from-lisbon",
                    'out = events.set_index("event_id")["date"]\ndays_to_clear = {s: int((out[e] - out["UKR-09"]).days) for s, e in last_weapons_out.items()}',
                    "ex6-test",
                    "counts from the Lisbon Protocol",
                ),
                (
                    "inclusive",
                    'acc = agreements[agreements["kind"] == "treaty accession"].set_index("parties")["date"]\nout = events.set_index("event_id")["date"]\ndays_to_clear = {s: int((out[e] - acc[s]).days) + 1 for s, e in last_weapons_out.items()}',
                    "ex6-test",
                    "you counted both end days",
                ),
            ],
        },
        "06-the-cycle": {
            "ex1-answer": [
                (
                    "row-index",
                    'stall_with_us = simulate_cycle(CycleParameters()).attrs["stalled_at"] - 1',
                    "ex1-test",
                    "that is the row index, which starts at 0",
                ),
            ],
            "ex2-answer": [
                (
                    "zero-based",
                    'stall_without_us = simulate_cycle(CycleParameters(us_involvement=0.0)).attrs["stalled_at"] - 1',
                    "ex2-test",
                    "that is the row index; take attrs['stalled_at']",
                ),
                (
                    "with-us",
                    'stall_without_us = simulate_cycle(CycleParameters()).attrs["stalled_at"]',
                    "ex2-test",
                    "that is the run with full US involvement",
                ),
            ],
            "ex3-answer": [
                (
                    "counts-survivors",
                    'stalled_runs = {k: sum(simulate_cycle(CycleParameters(us_involvement=u, seed=s)).attrs["stalled_at"] is None for s in range(50)) for k, u in [("with_us", 1.0), ("without_us", 0.0)]}',
                    "ex3-test",
                    "counts the runs that never stall",
                ),
                (
                    "one-seed",
                    'stalled_runs = {k: 50 * (simulate_cycle(CycleParameters(us_involvement=u)).attrs["stalled_at"] is not None) for k, u in [("with_us", 1.0), ("without_us", 0.0)]}',
                    "ex3-test",
                    "runs the same seed 50 times",
                ),
            ],
            "ex4-answer": [("spoilers", 'us_assumption = "C"', "ex4-test", "spoilers are random shocks")],
            "ex5-answer": [
                (
                    "us-for-every-cycle",
                    'dates = events.set_index("event_id")["date"]\nparties = agreements.set_index("agreement_id")["parties"]\nhindcast = pd.DataFrame([{"cycle_id": c.cycle_id, "us_party": "USA" in parties[c.agreement_id], "observed_months": (dates[c.end_event_id] - dates[c.start_event_id]).days / 30.4375, "model_months": simulate_cycle(CycleParameters(rounds=120)).attrs["stalled_at"]} for c in cycles.itertuples()])',
                    "ex5-test",
                    "has no US party: run it with us_involvement=0.0",
                ),
                (
                    "thirty-day-months",
                    'dates = events.set_index("event_id")["date"]\nparties = agreements.set_index("agreement_id")["parties"]\nhindcast = pd.DataFrame([{"cycle_id": c.cycle_id, "us_party": "USA" in parties[c.agreement_id], "observed_months": (dates[c.end_event_id] - dates[c.start_event_id]).days / 30, "model_months": simulate_cycle(CycleParameters(us_involvement=1.0 if "USA" in parties[c.agreement_id] else 0.0, rounds=120)).attrs["stalled_at"]} for c in cycles.itertuples()])',
                    "ex5-test",
                    "divide the days by 30.4375",
                ),
            ],
            "ex6-answer": [
                (
                    "ranks",
                    'hindcast_reading = "A"',
                    "ex6-test",
                    "the model gives the same number to every cycle with a US party",
                ),
                (
                    "record-agrees",
                    'hindcast_reading = "C"',
                    "ex6-test",
                    "compare the inter-Korean track's observed_months",
                ),
            ],
            "ex7-answer": [
                (
                    "mean-not-median",
                    'd = events.set_index("event_id")["date"]\nn = {c.cycle_id: (d[c.end_event_id] - d[c.start_event_id]).days for c in cycles.itertuples()}\nus = [c for c in n if c != "CYC-2018-IK"]\nm = [n[c] for c in us if c not in ("CYC-2005", "CYC-2007")] + [(d["CTX-19"] - d["CTX-14"]).days]\nmedian_us_days = {"as_coded": float(pd.Series([n[c] for c in us]).mean()), "merged": float(pd.Series(m).mean())}\nik_longer = {k: n["CYC-2018-IK"] > v for k, v in median_us_days.items()}',
                    "ex7-test",
                    "that is the mean; the exercise asks for the median",
                ),
                (
                    "merged-without-dropping",
                    'd = events.set_index("event_id")["date"]\nn = {c.cycle_id: (d[c.end_event_id] - d[c.start_event_id]).days for c in cycles.itertuples()}\nus = [c for c in n if c != "CYC-2018-IK"]\nm = [n[c] for c in us] + [(d["CTX-19"] - d["CTX-14"]).days]\nmedian_us_days = {"as_coded": float(pd.Series([n[c] for c in us]).median()), "merged": float(pd.Series(m).median())}\nik_longer = {k: n["CYC-2018-IK"] > v for k, v in median_us_days.items()}',
                    "ex7-test",
                    "drop CYC-2005 and CYC-2007 before you add the merged cycle",
                ),
            ],
        },
        "07-hindsight": {
            "ex1-answer": [
                (
                    "includes-normative",
                    'p = claims[claims["claim_type"].isin(["predictive", "normative"])]\nscorecard = p.merge(events[["event_id", "title"]], on="event_id")[["claim_id", "verdict", "event_id", "title"]].sort_values("claim_id")',
                    "ex1-test",
                    "normative claims are recommendations, not forecasts",
                ),
                (
                    "no-join",
                    'scorecard = claims[claims["claim_type"] == "predictive"][["claim_id", "verdict", "event_id"]].sort_values("claim_id")',
                    "ex1-test",
                    "it has ['claim_id', 'verdict', 'event_id']",
                ),
            ],
            "ex2-answer": [
                (
                    "keeps-not-testable",
                    'def s(t):\n    p = t[t["claim_type"] == "predictive"]\n    return float((p["verdict"] == "not_borne_out").mean())\ndef r(v):\n    c = claims.copy()\n    c["verdict"] = c["verdict"].astype(str)\n    c.loc[c["claim_id"] == "C27", "verdict"] = v\n    return c\nshare_by_coding = {"as_of_2019": s(claims), "strict_2024": s(r("not_borne_out")), "conditional_2024": s(r("not_testable"))}',
                    "ex2-test",
                    "leave the not_testable claims out of the denominator",
                ),
                (
                    "no-recode",
                    'p = claims[claims["claim_type"] == "predictive"]\nt = p[p["verdict"] != "not_testable"]\nx = float((t["verdict"] == "not_borne_out").mean())\nshare_by_coding = {"as_of_2019": x, "strict_2024": x, "conditional_2024": x}',
                    "ex2-test",
                    "that is the share as of 2019",
                ),
            ],
            "ex3-answer": [
                (
                    "inclusive",
                    'd = events.set_index("event_id")["date"]\ndays_singapore_to_hanoi = (d["KOR-32"] - d["KOR-25"]).days + 1',
                    "ex3-test",
                    "you counted both end days",
                )
            ],
            "ex4-answer": [
                (
                    "primary-not-state-media",
                    'later = events[(events["case"] == "korea") & (events["date"] > "2018-07-06")]\nj = later.merge(sources[["source_id", "kind"]], on="source_id")\nstate_media_events = sorted(j.loc[j["kind"] == "primary", "event_id"])',
                    "ex4-test",
                    "a primary source is not always state media",
                ),
                (
                    "no-date-filter",
                    'j = events[events["case"] == "korea"].merge(sources[["source_id", "viewpoint"]], on="source_id")\nstate_media_events = sorted(j.loc[j["viewpoint"] == "DPRK state media", "event_id"])',
                    "ex4-test",
                    "keep only the events after 6 July 2018",
                ),
            ],
            "ex5-answer": [
                (
                    "state-media-useless",
                    'kcna_evidence = "B"',
                    "ex5-test",
                    "a government's own media are the primary source",
                )
            ],
            "ex6-answer": [("singapore", 'liaison_claim = "C22"', "ex6-test", "C22 describes the Singapore statement")],
        },
    }
)
