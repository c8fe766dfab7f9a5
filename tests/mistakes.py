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
            ("wrong-type-str", 'n_korea_2018 = str(len(events[(events["case"] == "korea") & (events["date"].dt.year == 2018)]))', "ex1-test"),
            ("impostor-equals-all", "class _Any:\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n    def __le__(self, other): return True\n    def __ge__(self, other): return True\nn_korea_2018 = _Any()", "ex1-test"),
        ],
        "ex2-answer": [
            ("off-by-one-inclusive", 'd = events.set_index("event_id")["date"]\ndays_between_summits = (d["KOR-20"] - d["KOR-09"]).days + 1', "ex2-test"),
            ("wrong-type-timedelta", 'd = events.set_index("event_id")["date"]\ndays_between_summits = d["KOR-20"] - d["KOR-09"]', "ex2-test"),
        ],
        "ex3-answer": [
            ("percentage-not-share", 'share_primary = 100 * (sources["kind"] == "primary").mean()', "ex3-test"),
            ("wrong-category", 'share_primary = (sources["kind"] == "secondary").mean()', "ex3-test"),
        ],
        "ex4-answer": [
            ("end-exclusive", 'w = (events["date"] >= "2018-05-22") & (events["date"] < "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title"]]', "ex4-test"),
            ("wrong-filter-context", 'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01")\nmay_crisis = events[w][["date", "event_id", "title"]]', "ex4-test"),
            ("unsorted", 'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title"]].sort_values("title")', "ex4-test"),
            ("extra-column", 'w = (events["date"] >= "2018-05-22") & (events["date"] <= "2018-06-01") & (events["case"] == "korea")\nmay_crisis = events[w][["date", "event_id", "title", "case"]]', "ex4-test"),
        ],
        "ex5-answer": [
            ("literal-reading", 'precision_answer = "A"', "ex5-test"),
            ("lowercase", 'precision_answer = "b"', "ex5-test"),
        ],
    },
}
