"""The decision letter to an applicant as PDF, through the report's Typst pipeline
(:mod:`lofte.reports.pdf`: the ``typst`` package compiles a template that reads ``data.json``).

The letter states the decision, the amount granted against the amount requested, the pool, the
report due dates and, for a decision beyond the pool's budget, that it was taken with an
override. Swedish, or English when asked for; every figure comes from the database.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from lofte.grants.models import Application
from lofte.grants.reconcile import kr

TEMPLATE = Path(__file__).resolve().parent / "templates" / "grants" / "letter.typ"

#: The letter's words: Swedish message ids, English in this app's catalogue (context
#: ``grant letter``), looked up in the letter's language (ADR 0725: one translation mechanism).
TEXTS = {
    "heading": pgettext_lazy("grant letter", "Beslut om stimulansmedel"),
    "sender": pgettext_lazy("grant letter", "Regionalt cancercentrum – Löfte"),
    "call": pgettext_lazy("grant letter", "Utlysning"),
    "area": pgettext_lazy("grant letter", "Område"),
    "applicants": pgettext_lazy("grant letter", "Sökande"),
    "requested": pgettext_lazy("grant letter", "Sökt belopp"),
    "granted": pgettext_lazy("grant letter", "Beviljat belopp"),
    "decision": pgettext_lazy("grant letter", "Beslut"),
    "decided": pgettext_lazy("grant letter", "Beslutsdatum"),
    "interim": pgettext_lazy("grant letter", "Delrapport senast"),
    "final": pgettext_lazy("grant letter", "Slutrapport senast"),
    "granted_text": pgettext_lazy("grant letter", "Ansökan beviljas med {amount}."),
    "partly_text": pgettext_lazy(
        "grant letter", "Ansökan beviljas delvis: {amount} av sökta {requested}."
    ),
    "rejected_text": pgettext_lazy("grant letter", "Ansökan avslås."),
    "reports": pgettext_lazy(
        "grant letter",
        "Projektet lämnar en delrapport och en slutrapport, var och en med en "
        "A3-sammanfattning, i Löfte senast de datum som anges ovan.",
    ),
    "override": pgettext_lazy(
        "grant letter",
        "Beslutet går utöver områdets budget för året och är fattat med dispens. Skäl: {reason}",
    ),
    "footer": pgettext_lazy(
        "grant letter", "Brevet är skapat av Löfte utifrån beslutet i systemet."
    ),
    "synthetic": pgettext_lazy("grant letter", "Syntetiska data – inga verkliga projekt."),
}


def data(application: Application, lang: str = "sv") -> dict[str, Any]:
    """The letter's content in ``lang`` (Swedish, or English when asked for)."""
    lang = "en" if lang == "en" else "sv"
    with translation.override(lang):
        return _data(application, lang, {key: str(text) for key, text in TEXTS.items()})


def _data(application: Application, lang: str, t: dict[str, str]) -> dict[str, Any]:
    status = application.status
    amount = application.decided_amount or 0
    money = {"amount": kr(amount), "requested": kr(application.requested)}
    if application.decided_amount == 0:
        decision = t["rejected_text"]
    elif amount < application.requested:
        decision = t["partly_text"].format(**money)
    else:
        decision = t["granted_text"].format(**money)
    decided = timezone.localdate(application.decided_at) if application.decided_at else None
    facts = [
        [t["call"], application.call.title],
        [t["area"], application.area],
        [
            t["applicants"],
            "; ".join(f"{a.unit} ({a.region})" for a in application.applicants.all()),
        ],
        [t["requested"], kr(application.requested)],
        [t["granted"], kr(amount)],
        [t["decision"], str(application.get_status_display()) if status else ""],
        [t["decided"], decided.isoformat() if decided else "–"],
    ]
    paragraphs = [decision]
    if amount > 0:
        facts += [
            [t["interim"], str(application.interim_date or "–")],
            [t["final"], str(application.final_date or "–")],
        ]
        paragraphs.append(t["reports"])
        reason = (
            application.ledger_entries.exclude(override_reason="")
            .values_list("override_reason", flat=True)
            .first()
        )
        if reason:
            paragraphs.append(t["override"].format(reason=reason))
    return {
        "lang": lang,
        "heading": t["heading"],
        "sender": t["sender"],
        "date": (decided or timezone.localdate()).isoformat(),
        "title": application.title,
        "facts": facts,
        "paragraphs": paragraphs,
        "footer": t["footer"],
        "synthetic": t["synthetic"] if application.synthetic else "",
    }


def render(application: Application, lang: str = "sv") -> bytes:
    """The decision letter of a decided application as PDF bytes, in ``lang`` ("sv" or "en"),
    typeset by Typst from ``TEMPLATE`` and :func:`data`."""
    import typst

    with tempfile.TemporaryDirectory(prefix="lofte-letter-") as tmp:
        root = Path(tmp)
        shutil.copy(TEMPLATE, root / "letter.typ")
        (root / "data.json").write_text(
            json.dumps(data(application, lang), ensure_ascii=False), encoding="utf-8"
        )
        result = typst.compile(str(root / "letter.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result
