"""Self-check quiz widgets: multiple choice, numeric and ordering questions.

Each widget shows the question, lets the student answer with mouse or keyboard, and on
"Check" (a) stores the answer in the notebook's namespace under a named variable, so a test
cell can grade it, (b) shows the exact line to keep in the answer cell, because widget state is
not saved into the notebook and the autograder re-runs only the code, and (c) in self-check
mode (`correct=` given) says whether it is right.

Under nbgrader (`NBGRADER_EXECUTION` is set while validating or autograding) the factories
return a static description: they never wait for input and never touch the namespace.
Model: `course.analysis.check_answer`. Views: `multiple_choice`, `numeric_question`, `ordering_question`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence

import ipywidgets as w

from course.analysis import check_answer


def grading_in_progress() -> bool:
    """True while nbgrader validates or autogrades this notebook."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _static(question: str, extra: str = "") -> w.HTML:
    return w.HTML(
        f"<p><strong>Question:</strong> {html.escape(question)}</p>{extra}"
        "<p><em>(Interactive quiz; not shown while grading.)</em></p>"
    )


def _quiz_box(
    kind: str,
    name: str,
    question: str,
    answer_widget: w.Widget,
    read,
    namespace,
    correct,
    explanation: str,
    tolerance: float = 0.0,
    extra: Sequence[w.Widget] = (),
) -> w.VBox:
    button = w.Button(description="Check", button_style="primary", tooltip="Record and check your answer", icon="check")
    feedback = w.HTML()

    def on_check(_=None) -> None:
        answer = read()
        if answer is None:
            feedback.value = "<p>Choose an answer first.</p>"
            return
        if namespace is not None:
            namespace[name] = answer
        line = html.escape(f"{name} = {answer!r}")
        message = (
            f"<p>Recorded <code>{line}</code> for this session. <strong>To keep it when your notebook is "
            f"graded</strong>, the answer cell must contain exactly: <code>{line}</code></p>"
        )
        if correct is not None:
            right = check_answer(kind, answer, correct, tolerance)
            message = (
                f"<p><strong>{'Right' if right else 'Not quite'}.</strong> "
                + (
                    html.escape(explanation)
                    if (right and explanation)
                    else ("Look again at the evidence and try once more." if not right else "")
                )
                + "</p>"
                + message
            )
        feedback.value = message

    button.on_click(on_check)
    box = w.VBox([w.HTML(f"<p><strong>{html.escape(question)}</strong></p>"), answer_widget, *extra, button, feedback])
    box.controls, box.outputs, box.check = {"answer": answer_widget, "check": button}, {"feedback": feedback}, on_check
    return box


def multiple_choice(
    name: str,
    question: str,
    options: dict[str, str],
    namespace: dict | None = None,
    correct: str | None = None,
    explanation: str = "",
) -> w.Widget:
    """Options as {"A": "text", ...}; the stored answer is the letter (a str)."""
    if grading_in_progress():
        return _static(
            question,
            "<ul>" + "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in options.items()) + "</ul>",
        )
    radio = w.RadioButtons(
        options=[(f"{k}: {v}", k) for k, v in options.items()],
        value=None,
        layout=w.Layout(width="max-content"),
        description="",
    )
    return _quiz_box("choice", name, question, radio, lambda: radio.value, namespace, correct, explanation)


def numeric_question(
    name: str,
    question: str,
    namespace: dict | None = None,
    correct: float | None = None,
    tolerance: float = 0.0,
    integer: bool = True,
    unit: str = "",
    explanation: str = "",
) -> w.Widget:
    """A number typed by the student; stored as int when `integer`, else float."""
    if grading_in_progress():
        return _static(question)
    box = (w.IntText if integer else w.FloatText)(
        value=None, description=f"Answer{f' ({unit})' if unit else ''}", style={"description_width": "initial"}
    )

    def read():
        return None if box.value is None else (int(box.value) if integer else float(box.value))

    return _quiz_box("numeric", name, question, box, read, namespace, correct, explanation, tolerance)


def ordering_question(
    name: str,
    question: str,
    items: Sequence[str],
    namespace: dict | None = None,
    correct: Sequence[str] | None = None,
    explanation: str = "",
) -> w.Widget:
    """Put `items` in order: select one, then move it with the buttons (or Alt+arrow keys' equivalents)."""
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
        "ordering",
        name,
        question,
        listing,
        lambda: list(order),
        namespace,
        None if correct is None else list(correct),
        explanation,
        extra=[w.HBox([up, down])],
    )
    box.controls.update({"up": up, "down": down})
    return box
