"""Who is offered which form on an application's page: the rules of
:func:`lofte.grants.application_page.offers`, checked without a request or a database."""

from __future__ import annotations

import pytest

from lofte.grants.application_page import Viewer, next_report, offers
from lofte.grants.models import CallAssessor

OWNER = Viewer(how="owner", admin=False, decision_maker=False)
ADMIN = Viewer(how="overseer", admin=True, decision_maker=False)
DECIDER = Viewer(how="overseer", admin=False, decision_maker=True)


def test_the_owner_edits_attaches_and_submits_only_her_draft() -> None:
    draft = offers(OWNER, "draft", {}, paid=False)
    assert (draft.attach, draft.submit, draft.report) == (True, True, None)
    submitted = offers(OWNER, "submitted", {}, paid=False)
    assert (submitted.attach, submitted.submit) == (False, False)


@pytest.mark.parametrize(
    ("handed_in", "due"),
    [
        ((), "interim"),
        (("interim",), "final"),
        (("final",), "interim"),
        (("interim", "final"), None),
    ],
)
def test_reports_come_interim_first_then_final(handed_in: tuple[str, ...], due: str | None) -> None:
    assert next_report(handed_in) == due
    for status in ("granted", "partly_granted", "reporting"):
        assert offers(OWNER, status, handed_in, paid=True).report == due
    assert offers(OWNER, "closed", handed_in, paid=True).report is None
    assert offers(ADMIN, "reporting", handed_in, paid=True).report is None


def test_an_assessor_scores_only_while_the_call_is_in_assessment() -> None:
    on_panel = Viewer(how="assessor", admin=False, decision_maker=False, assessor=CallAssessor())
    assert offers(on_panel, "in_assessment", {}, paid=False).assess
    assert not offers(on_panel, "granted", {}, paid=False).assess
    assert not offers(ADMIN, "in_assessment", {}, paid=False).assess


def test_decisions_on_open_applications_and_admin_follow_up() -> None:
    assert offers(DECIDER, "submitted", {}, paid=False).decide
    assert offers(DECIDER, "in_assessment", {}, paid=False).decide
    assert not offers(DECIDER, "granted", {}, paid=True).decide
    reporting = offers(ADMIN, "reporting", {"interim": 1}, paid=True)
    assert (reporting.due_dates, reporting.close, reporting.pay) == (True, True, True)
    granted = offers(ADMIN, "granted", {}, paid=False)
    assert (granted.due_dates, granted.close, granted.pay) == (True, False, False)
    assert not offers(DECIDER, "reporting", {}, paid=True).pay
