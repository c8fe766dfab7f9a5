"""Validate data/ with frictionless, then record each file's size and SHA-256 in
data/datapackage.json and data/README.md.

Run after editing any CSV in data/ (or its schema):  python scripts/refresh_data_hashes.py
The tests fail (with this command in the message) when a file and its recorded hash differ, so a
change to the facts is always a deliberate, reviewed change. The loaders (course.data) trust a
file that still has its recorded hash, so hashes are recorded only for data that passed
validation: an invalid table stops this script with the reasons, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
BEGIN, END = "<!-- files:begin -->", "<!-- files:end -->"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    from course import data

    data.clear_cache()
    try:
        data.validate()
    except data.DataError as exc:
        raise SystemExit(f"data/ is not valid, so no hashes were recorded:\n{exc}") from None
    package_path = DATA / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    lines = ["| file | rows | bytes | SHA-256 |", "| --- | ---: | ---: | --- |"]
    for resource in package["resources"]:
        path = DATA / resource["path"]
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{sha256(path)}"
        rows = len(path.read_text(encoding="utf-8").splitlines()) - 1
        lines.append(f"| `{resource['path']}` | {rows} | {resource['bytes']} | `{sha256(path)}` |")
    package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    readme = DATA / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = "\n".join([BEGIN, *lines, END])
    new_text, count = re.subn(re.escape(BEGIN) + ".*?" + re.escape(END), block, text, flags=re.S)
    if count != 1:
        raise SystemExit(f"{readme} must contain one {BEGIN} ... {END} block")
    readme.write_text(new_text, encoding="utf-8")


if __name__ == "__main__":
    main()
