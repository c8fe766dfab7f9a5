"""Interactive explorers for the course notebooks.

Each widget is a factory that returns an ipywidgets container and never calls `display`
itself (the notebook's last line shows it). Behind each view is a pure model function
(in `course.analysis` or in the widget's module) that the tests call directly.

Widgets are imported on first use, so a notebook that needs only a quiz does not pay for
matplotlib and pandas at import time.
"""

from importlib import import_module

_WHERE = {
    "arsenal_drawdown": "arsenal",
    "channels_view": "channels",
    "comparison_matrix": "comparison",
    "cycle_simulator": "cycle",
    "multiple_choice": "quiz",
    "numeric_question": "quiz",
    "ordering_question": "quiz",
    "timeline_explorer": "timeline",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"course.widgets.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'course.widgets' has no attribute {name!r}")


def __dir__():
    return __all__
