"""Interactive explorers for the course notebooks.

Each widget is a factory that returns an ipywidgets container and never calls `display`
itself (the notebook's last line shows it). Behind each view is a pure model function
(in `course.analysis` or in the widget's module) that the tests call directly.
"""

from course.widgets.arsenal import arsenal_drawdown
from course.widgets.channels import channels_view
from course.widgets.comparison import comparison_matrix
from course.widgets.cycle import cycle_simulator
from course.widgets.quiz import multiple_choice, numeric_question, ordering_question
from course.widgets.timeline import timeline_explorer

__all__ = [
    "arsenal_drawdown", "channels_view", "comparison_matrix", "cycle_simulator",
    "multiple_choice", "numeric_question", "ordering_question", "timeline_explorer",
]
