"""The article the course is built on, read from a copy outside the repository when one is at hand.

The article is copyrighted, so the repository holds no copy: the course's parent folders are searched
for shared/article/. Tests that need its text (quotations are verbatim, "about 800 words") check
against it when it is there and say so when it is not.
"""

from __future__ import annotations

import re
from functools import cache

from course.paths import course_root

ARTICLE_NAME = "eaf-2018-inter-korean-cooperation.txt"


def plain_text(text: str) -> str:
    """Typography-neutral text: curly quotes and apostrophes made straight, spaces collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@cache
def article_body() -> str | None:
    """The article's text from its summary to its last paragraph, or None if no copy is at hand."""
    root = course_root()
    for folder in [root, *root.parents]:
        path = folder / "shared" / "article" / ARTICLE_NAME
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            start = lines.index("In Brief") + 1
            end = next(i for i, line in enumerate(lines) if line.startswith("Liang Tuang Nah is a"))
            kept = [line for line in lines[start:end] if line.strip() not in ("Share", "") and "•" not in line]
            return plain_text("\n".join(kept))
    return None


def article_words() -> int | None:
    body = article_body()
    return None if body is None else len(body.split())
