"""The demo's action plans: the two seed plans (sourced example data) plus a few invented status
updates, each marked ``synthetic`` and written "[SYNTETISK]" so that no page, export or report
can pass them off as a real follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from lofte.web.plans import planfile, planread

DATA = Path(__file__).parent / "data"
SHIPPED = ("rcc-sydost-handlingsplan-2025.yaml", "region-kronoberg-handlingsplan-cancer.yaml")
MARK = "[SYNTETISK]"

#: (plan, action ref, status, days before today, comment, new due date in days from today or None)
SYNTHETIC_UPDATES = (
    ("rcc-sydost-handlingsplan-2025", "3.2.3", "pagaende", 60,
     "Ledtiderna gås igenom på varje styrgruppsmöte; två processer har egna åtgärdslistor.", 75),
    ("rcc-sydost-handlingsplan-2025", "3.2.2", "pagaende", 40,
     "Resultatredovisningen diskuteras per process på processledarmötet.", 10),
    ("rcc-sydost-handlingsplan-2025", "2.2.3", "pagaende", 30,
     "Täckningsgraden redovisas per enhet i RAG palliativ vård.", None),
    ("rcc-sydost-handlingsplan-2025", "6.1.2", "pagaende", 75,
     "Kommunikationsplanen för remissrundan är inte klar; nytt datum behövs.", -20),
    ("rcc-sydost-handlingsplan-2025", "6.1.3", "pausad", 20,
     "Införandet väntar på ny version av plattformen.", None),
    ("rcc-sydost-handlingsplan-2025", "1.3.3", "klar", 90,
     "Dos 1 utvärderad; dos 2 samordnas i nästa års plan.", None),
    ("kronoberg-handlingsplan-cancer", "MB21.1", "pagaende", 45,
     "Processteamen följer ledtiderna månadsvis.", 100),
)  # fmt: skip


@dataclass(frozen=True)
class DemoPlans:
    """What the demo imported: the plans' summaries and the number of updates."""

    plans: list[dict[str, object]]
    updates: int


def import_demo_plans(today: dt.date | None = None) -> DemoPlans:
    """Import the shipped plans (replacing earlier imports) and add the synthetic updates."""
    from lofte.web.plans.models import Action
    from lofte.web.plans.services import update_action

    today = today or dt.date.today()
    for name in SHIPPED:
        planread.import_plan(DATA / name, username="demo")
    done = 0
    for slug, ref, status, days_ago, comment, due_in in SYNTHETIC_UPDATES:
        action = Action.objects.filter(goal__area__plan__slug=slug, ref=ref).first()
        if action is None:  # pragma: no cover - the shipped files carry these ids
            continue
        due = action.due_date if due_in is None else today + dt.timedelta(days=due_in)
        update_action(
            action,
            None,
            status=status,
            comment=f"{MARK} {comment}",
            start_date=action.start_date,
            due_date=due,
            date=today - dt.timedelta(days=days_ago),
            synthetic=True,
            username="demo",
        )
        done += 1
    return DemoPlans(planfile.summaries(), done)
