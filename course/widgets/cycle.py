"""Cycle simulator: a deliberately small model of the article's "denuclearisation-compensation
cycle" (reciprocal steps, trust, spoilers), with sliders and a trajectory plot.

Assumptions (stated to students, to be criticised, not believed):

1. Time runs in rounds (think: months). Each round North Korea takes a disarmament step whose
   size is `step_size * trust`: the more it trusts the other side, the bigger the step.
   Disarmament `D` is the share of its capability dismantled, from 0 to 1.
2. Its partners answer with compensation `reciprocity * step * capacity`. `capacity` is what
   they can deliver: humanitarian aid is in Seoul's hands, but sanctions relief needs the UN
   Security Council and so the United States. With `us_involvement` from 0 to 1,
   `capacity = (1 - sanctions_share) + sanctions_share * us_involvement`.
3. Trust moves with the balance of each round: it rises by `learning * (compensation - step)`
   when compensation exceeds the step and falls when it falls short. Trust stays in [0, 1].
4. Spoilers (a drill, a hawkish statement, a third power) strike at random with probability
   `spoiler_chance` each round and cut trust by `spoiler_damage`. The random draws come from
   `seed`, so the same settings always give the same run.
5. The cycle has stalled when trust falls below `stall_below`; steps then become negligible.

The model says nothing about whether these assumptions hold: module 06 asks students to
argue which ones the record of 2018-19 and of Ukraine 1991-96 supports.
Model: `simulate_cycle`. View: `cycle_simulator()`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import ipywidgets as w
import numpy as np
import pandas as pd

from course.widgets.style import OKABE_ITO, figure_html, new_figure


@dataclass(frozen=True)
class CycleParameters:
    initial_trust: float = 0.5
    step_size: float = 0.08
    reciprocity: float = 1.5
    us_involvement: float = 1.0
    sanctions_share: float = 0.6
    learning: float = 3.0
    spoiler_chance: float = 0.15
    spoiler_damage: float = 0.1
    rounds: int = 36
    seed: int = 2018
    stall_below: float = 0.1

    def __post_init__(self):
        for name in ("initial_trust", "us_involvement", "sanctions_share", "spoiler_chance", "spoiler_damage", "stall_below"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.rounds < 1 or self.step_size < 0 or self.reciprocity < 0 or self.learning < 0:
            raise ValueError("rounds must be at least 1; step_size, reciprocity and learning must not be negative")


def simulate_cycle(params: CycleParameters = CycleParameters()) -> pd.DataFrame:
    """Run the model; one row per round with trust, step, compensation, disarmament, spoiler."""
    rng = np.random.default_rng(params.seed)
    capacity = (1 - params.sanctions_share) + params.sanctions_share * params.us_involvement
    trust, disarmament, paid = params.initial_trust, 0.0, 0.0
    rows = []
    for round_ in range(1, params.rounds + 1):
        step = min(params.step_size * trust, 1 - disarmament) if trust >= params.stall_below else 0.0
        compensation = params.reciprocity * step * capacity
        disarmament += step
        paid += compensation
        trust = trust + params.learning * (compensation - step)
        spoiler = bool(rng.random() < params.spoiler_chance)
        if spoiler:
            trust -= params.spoiler_damage
        trust = float(min(1.0, max(0.0, trust)))
        rows.append({"round": round_, "trust": trust, "step": step, "compensation": compensation,
                     "disarmament": disarmament, "compensation_total": paid, "spoiler": spoiler})
    result = pd.DataFrame(rows)
    stalled = result.index[result["trust"] < params.stall_below]
    result.attrs["stalled_at"] = int(result.loc[stalled[0], "round"]) if len(stalled) else None
    result.attrs["final_disarmament"] = float(result["disarmament"].iloc[-1])
    result.attrs["parameters"] = asdict(params)
    return result


def cycle_figure_html(run: pd.DataFrame) -> str:
    fig, ax = new_figure(7.5, 3.0, left=0.08, bottom=0.16, top=0.95)
    ax.plot(run["round"], run["trust"], color=OKABE_ITO["blue"], lw=2, label="trust")
    ax.plot(run["round"], run["disarmament"], color=OKABE_ITO["orange"], lw=2, ls="--", label="disarmament (share)")
    spoilers = run[run["spoiler"]]
    ax.scatter(spoilers["round"], spoilers["trust"], marker="v", color=OKABE_ITO["vermillion"], zorder=3, label="spoiler")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("round")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    stalled = run.attrs["stalled_at"]
    alt = (f"Over {len(run)} rounds trust goes from {run.attrs['parameters']['initial_trust']:.2f} to {run['trust'].iloc[-1]:.2f} and "
           f"disarmament reaches {run.attrs['final_disarmament']:.0%}; {int(run['spoiler'].sum())} spoiler(s); "
           + (f"the cycle stalls in round {stalled}." if stalled else "the cycle never stalls."))
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


def cycle_simulator(params: CycleParameters = CycleParameters()) -> w.VBox:
    """Sliders for the model's parameters and the trajectory they produce."""
    controls = {key: w.FloatSlider(value=getattr(params, key), min=lo, max=hi, step=step, description=label,
                                   continuous_update=False, style={"description_width": "9em"},
                                   layout=w.Layout(width="60%"), readout_format=".2f")
                for key, (label, lo, hi, step) in SLIDERS.items()}
    controls["rounds"] = w.IntSlider(value=params.rounds, min=6, max=120, description="Rounds", continuous_update=False,
                                     style={"description_width": "9em"}, layout=w.Layout(width="60%"))
    controls["seed"] = w.BoundedIntText(value=params.seed, min=0, max=10**6, description="Random seed",
                                        style={"description_width": "9em"})
    figure = w.HTML()

    def redraw(_=None) -> None:
        current = CycleParameters(**{**asdict(params), **{k: c.value for k, c in controls.items()}})
        figure.value = cycle_figure_html(simulate_cycle(current))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HTML("<strong>The denuclearisation-compensation cycle</strong>: a toy model. Change one "
                         "assumption at a time and watch trust and disarmament."), *controls.values(), figure])
    box.controls, box.outputs = controls, {"figure": figure}
    return box
