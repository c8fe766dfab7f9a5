"""Initial import of data/ from the team's research notes (shared/research/).

Kept for provenance: it shows exactly how each table was derived from the sourced
notes (timeline.csv, quantities.csv, discrepancies.md). After the import, data/*.csv
are the source of truth and are edited directly; do not re-run this over edited data.

Usage: python scripts/import_research.py ../shared/research data
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from actors_table import ACTORS  # noqa: E402
from event_titles import TITLES  # noqa: E402
from extra_tables import (  # noqa: E402
    AGREEMENTS, ARSENAL, CLAIMS, EXTRA_EVENTS, MEETINGS, MISSILE_COUNTS, NK_TESTS,
)
from sources_table import SOURCES  # noqa: E402


def write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(research: Path, out: Path) -> None:
    by_url = {s[1]: s[0] for s in SOURCES}
    alias = {a: actor[0] for actor in ACTORS for a in actor[8]}

    write(out / "sources.csv",
          ["source_id", "title", "publisher", "published", "date_precision", "url", "kind", "viewpoint", "language"],
          [[s[0], s[2], s[3], s[4], s[5], s[1], s[6], s[7], s[8]] for s in SOURCES])
    write(out / "actors.csv",
          ["actor_id", "name", "kind", "affiliation", "role", "role_as_of", "date_precision", "source_id"],
          [list(a[:8]) for a in ACTORS])

    events, links = [], []
    for row in csv.DictReader((research / "timeline.csv").open(encoding="utf-8")):
        if row["id"] == "UKR-28":  # the article's own claim, not an event: lives in claims.csv
            continue
        events.append([row["id"], row["date"] if row["date_precision"] == "day" else f"{row['date']}-01-01",
                       row["date_precision"], row["case"], TITLES[row["id"]], row["event"], row["location"],
                       by_url[row["source_url"]], row["confidence"], row["notes"]])
        for actor_id in dict.fromkeys(alias[name.strip()] for name in row["actors"].split(";")):
            links.append([row["id"], actor_id])
    for ev in EXTRA_EVENTS:
        events.append(list(ev[:10]))
        links.extend([ev[0], a] for a in ev[10])
    events.sort(key=lambda e: (e[1], e[0]))
    write(out / "events.csv",
          ["event_id", "date", "date_precision", "case", "title", "description", "location", "source_id",
           "confidence", "notes"], events)
    write(out / "event_actors.csv", ["event_id", "actor_id"], links)
    write(out / "meetings.csv",
          ["meeting_id", "date", "date_precision", "side_a", "side_b", "lead_a", "lead_b", "channel", "formal",
           "status", "location", "event_id", "source_id", "notes"], MEETINGS)
    write(out / "arsenal.csv",
          ["observation_id", "date", "date_precision", "system", "status", "count_low", "count_best",
           "count_high", "unit", "source_id", "confidence", "notes"], ARSENAL)
    write(out / "nk_tests.csv",
          ["test_id", "date", "date_precision", "kind", "name", "site", "magnitude", "yield_low_kt",
           "yield_high_kt", "source_id", "confidence", "notes"], NK_TESTS)
    write(out / "nk_missile_counts.csv",
          ["year", "date", "date_precision", "count", "unit", "database", "source_id", "confidence", "notes"],
          MISSILE_COUNTS)
    write(out / "agreements.csv",
          ["agreement_id", "name", "date", "date_precision", "case", "parties", "kind", "legal_form",
           "key_terms", "event_id", "source_id", "confidence"], AGREEMENTS)
    write(out / "claims.csv",
          ["claim_id", "paragraph", "claim", "quote", "claim_type", "verdict", "record", "date",
           "date_precision", "event_id", "discrepancy_item", "source_id", "confidence"], CLAIMS)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
