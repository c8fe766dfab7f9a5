"""Self-check quiz widgets: multiple choice, numeric and ordering questions.

The quiz never sets a notebook variable. The answer *cell* below it is the only record of the
answer, so a broken answer cell cannot be hidden by a value the quiz had set, and what the learner
sees is what the grader sees. "Check" shows the exact line to keep in that cell.

Right or wrong, without the answer in the notebook: in self-study, Check compares the choice
with a *key*, `v1:<salt>:<first 12 hex digits of SHA-256("<salt>:<variable>:<answer>")>`.
`course workspace` computes the keys from the course's solution cells (`quiz_keys`) and writes
them beside the learner's notebook (`.quiz-keys.json`); an author can also pass `key=` (see
`make_key`). Neither the student's notebook nor this package holds an answer. The key is not a
secret, though: a question with four options has four candidates, and Check itself says right or
wrong, so a learner who wants to can try them all, by hand or with `key_matches`. It only keeps a
reader from seeing the answer by accident, which is the bar for self-study.

In a graded class there are no keys: nbgrader's release does not carry `.quiz-keys.json`, and with
COURSE_MODE=class (set by the hub) Check only echoes the choice and the line to keep, whatever
keys it finds. Under nbgrader (`NBGRADER_EXECUTION` is set while validating or autograding) the
factories return static HTML: they never wait for input.
Model: `course.widgets.keys` (`make_key`, `key_matches`, `quiz_keys`). Views: `multiple_choice`, `numeric_question`,
`ordering_question`.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as w

from course import settings
from course.widgets.controls import LiveRegion
from course.widgets.keys import KEY_FILE, key_matches, make_key, quiz_keys
from course.widgets.static import StaticBox, StaticHTML

__all__ = [
    "KEY_FILE",
    "key_matches",
    "make_key",
    "multiple_choice",
    "numeric_question",
    "ordering_question",
    "quiz_keys",
]


def grading_in_progress() -> bool:
    """True while nbgrader validates or autogrades this notebook."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def graded_class() -> bool:
    """True in a graded class: the hub (or the instructor's image) sets COURSE_MODE=class."""
    return (settings.MODE.get() or "").strip().lower() == "class"


def _stored_key(name: str) -> str | None:
    """The key `course workspace` wrote beside this notebook (the kernel's working folder)."""
    try:
        return json.loads((Path.cwd() / KEY_FILE).read_text(encoding="utf-8")).get(name)
    except (OSError, ValueError, AttributeError):
        return None


# --- views ---------------------------------------------------------------------------------------


def _literal(value) -> str:
    """How the answer is written in the answer cell: "B", 29, ["UKR-05", "UKR-08"]."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _static(question: str, extra: str = "") -> StaticHTML:
    return StaticHTML(
        f"<p><strong>Question:</strong> {html.escape(question)}</p>{extra}"
        "<p><em>(Self-check quiz: interactive in JupyterLab. The answer cell below holds the answer.)</em></p>",
        "self-check quiz",
    )


def _quiz_box(
    kind: str,
    name: str,
    question: str,
    answer_widget: w.Widget,
    read,
    key: str | None,
    explanation: str,
    decimals: int = 0,
    extra: Sequence[w.Widget] = (),
) -> StaticBox:
    key = key or _stored_key(name)
    self_check = bool(key) and not graded_class()
    button = w.Button(
        description="Check" if self_check else "Show the line to keep",
        button_style="primary",
        tooltip="Say whether your choice is right" if self_check else "Show the line for the answer cell below",
        icon="check",
    )
    feedback = LiveRegion()

    def on_check(_=None) -> None:
        answer = read()
        if answer is None:
            feedback.html = "<p>Choose an answer first.</p>"
            return
        line = html.escape(f"{name} = {_literal(answer)}")
        keep = (
            f"<p>To hand it in, the answer cell below must contain exactly <code>{line}</code> "
            "(the quiz does not fill it in for you); then run that cell and its test.</p>"
        )
        if not self_check:
            feedback.html = f"<p>Your choice: <code>{html.escape(_literal(answer))}</code>.</p>{keep}"
        elif key_matches(key, name, kind, answer, decimals):
            feedback.html = f"<p><strong>Right.</strong> {html.escape(explanation)}</p>{keep}"
        else:
            feedback.html = "<p><strong>Not quite.</strong> Look again at the evidence and try once more.</p>"

    button.on_click(on_check)
    box = StaticBox(
        [w.HTML(f"<p><strong>{html.escape(question)}</strong></p>"), answer_widget, *extra, button, feedback],
        title="self-check quiz",
    )
    box.controls, box.outputs, box.check = {"answer": answer_widget, "check": button}, {"feedback": feedback}, on_check
    return box


def multiple_choice(
    name: str,
    question: str,
    options: dict[str, str],
    namespace: dict | None = None,
    key: str | None = None,
    explanation: str = "",
):
    """Options as {"A": "text", ...}; the answer is the option's letter or word (a str).
    `namespace` is accepted, so notebooks that pass `globals()` still run, and ignored."""
    if grading_in_progress():
        items = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in options.items())
        return _static(question, f"<ul>{items}</ul>")
    radio = w.RadioButtons(
        options=[(f"{k}: {v}", k) for k, v in options.items()],
        value=None,
        layout=w.Layout(width="max-content"),
        description="Your answer",
        style={"description_width": "initial"},
    )
    return _quiz_box("choice", name, question, radio, lambda: radio.value, key, explanation)


def numeric_question(
    name: str,
    question: str,
    namespace: dict | None = None,
    key: str | None = None,
    decimals: int = 0,
    integer: bool = True,
    unit: str = "",
    explanation: str = "",
):
    """A number typed by the student (an int when `integer`); the key compares it rounded to
    `decimals` places (prefer whole-number answers: a value near a rounding boundary may be judged
    wrong)."""
    if grading_in_progress():
        return _static(question)
    box = (w.IntText if integer else w.FloatText)(
        value=None, description=f"Answer{f' ({unit})' if unit else ''}", style={"description_width": "initial"}
    )

    def read():
        return None if box.value is None else (int(box.value) if integer else float(box.value))

    return _quiz_box("numeric", name, question, box, read, key, explanation, decimals)


def ordering_question(
    name: str,
    question: str,
    items: Sequence[str],
    namespace: dict | None = None,
    key: str | None = None,
    explanation: str = "",
):
    """Put `items` in order: select one, then move it with the buttons."""
    if grading_in_progress():
        return _static(question, "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    order = list(items)
    listing = w.Select(
        options=order, value=order[0], rows=min(10, len(order)), description="Order", layout=w.Layout(width="90%")
    )
    up = w.Button(description="Move up", icon="arrow-up", tooltip="Move the selected item up")
    down = w.Button(description="Move down", icon="arrow-down", tooltip="Move the selected item down")

    def move(offset: int):
        def handler(_=None):
            i = order.index(listing.value)
            j = i + offset
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
                chosen = listing.value
                listing.options = list(order)
                listing.value = chosen

        return handler

    up.on_click(move(-1))
    down.on_click(move(+1))
    box = _quiz_box(
        "ordering", name, question, listing, lambda: list(order), key, explanation, extra=[w.HBox([up, down])]
    )
    box.controls.update({"up": up, "down": down})
    return box
