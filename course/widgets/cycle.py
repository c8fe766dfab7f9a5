"""Cycle simulator: sliders for the parameters of the "denuclearisation-compensation cycle" model
and the trajectory they produce.

Model: `course.analysis.simulate_cycle` (its assumptions are stated there and in module 06).
View: `cycle_simulator()`.
"""

from __future__ import annotations

from dataclasses import asdict

import ipywidgets as w
import pandas as pd

from course.analysis import CycleParameters, simulate_cycle
from course.figures import OKABE_ITO, figure_html, new_figure
from course.widgets.controls import LabelledIntSlider, LabelledSlider
from course.widgets.static import StaticBox

# Spoilers are drawn as black downward triangles, apart from the orange dashed line by shape and
# colour; SPOILER_WORDS is how the notebooks name them (module 06 said "red triangles" once).
SPOILER_MARKER, SPOILER_COLOUR, SPOILER_WORDS = "v", OKABE_ITO["black"], "black downward triangles (▼)"


def cycle_figure_html(run: pd.DataFrame) -> str:
    fig, ax = new_figure(7.5, 3.0, left=0.08, bottom=0.16, top=0.95)
    ax.plot(run["round"], run["trust"], color=OKABE_ITO["blue"], lw=2, label="trust")
    ax.plot(run["round"], run["disarmament"], color=OKABE_ITO["orange"], lw=2, ls="--", label="disarmament (share)")
    spoilers = run[run["spoiler"]]
    ax.scatter(
        spoilers["round"],
        spoilers["trust"],
        marker=SPOILER_MARKER,
        s=50,
        color=SPOILER_COLOUR,
        zorder=3,
        label="spoiler (▼)",
    )
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("round")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    stalled = run.attrs["stalled_at"]
    alt = (
        f"Over {len(run)} rounds trust goes from {run.attrs['parameters']['initial_trust']:.2f} "
        f"to {run['trust'].iloc[-1]:.2f} and "
        f"disarmament reaches {run.attrs['final_disarmament']:.0%}; {int(run['spoiler'].sum())} spoiler(s); "
        + (f"the cycle stalls in round {stalled}." if stalled else "the cycle never stalls.")
    )
    table = run[["round", "trust", "step", "compensation", "disarmament", "spoiler"]].round(3)
    return figure_html(fig, alt, table.astype({"trust": str, "step": str, "compensation": str, "disarmament": str}))


SLIDERS = {
    "initial_trust": ("Initial trust", 0.0, 1.0, 0.05),
    "step_size": ("Step size", 0.0, 0.3, 0.01),
    "reciprocity": ("Reciprocity", 0.0, 3.0, 0.1),
    "us_involvement": ("US involvement", 0.0, 1.0, 0.1),
    "sanctions_share": ("Sanctions share", 0.0, 1.0, 0.1),
    "spoiler_chance": ("Spoiler chance", 0.0, 1.0, 0.05),
    "spoiler_damage": ("Spoiler damage", 0.0, 1.0, 0.05),
}


def cycle_simulator(params: CycleParameters | None = None) -> StaticBox:
    """Sliders for the model's parameters and the trajectory they produce."""
    params = params or CycleParameters()
    controls = {
        key: LabelledSlider(
            value=getattr(params, key), min=lo, max=hi, step=step, description=label, readout_format=".2f"
        )
        for key, (label, lo, hi, step) in SLIDERS.items()
    }
    controls["rounds"] = LabelledIntSlider(value=params.rounds, min=6, max=120, description="Rounds")
    controls["seed"] = w.BoundedIntText(
        value=params.seed, min=0, max=10**6, description="Random seed", style={"description_width": "9em"}
    )
    figure = w.HTML()

    def redraw(_=None) -> None:
        current = CycleParameters(**{**asdict(params), **{k: c.value for k, c in controls.items()}})
        figure.value = cycle_figure_html(simulate_cycle(current))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = StaticBox(
        [
            w.HTML(
                "<strong>The denuclearisation-compensation cycle</strong>: a toy model. Change one "
                "assumption at a time and watch trust and disarmament."
            ),
            *controls.values(),
            figure,
        ],
        title="Cycle simulator",
    )
    box.controls, box.outputs = controls, {"figure": figure}
    return box
