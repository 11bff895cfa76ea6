"""Assessment (SPEC §11): conflicts of interest refused and audited, justification required,
weighted scores summarised, the decision-meeting list with the pool's running budget fit."""

from __future__ import annotations

import pytest

from lofte.grants import assessment, calls, ledger
from lofte.grants.models import Application
from lofte.web.audit.models import AuditEvent
from tests.grants.grant_round import PAT_05, PAT_06, Round, submitted


def scores(r: Round, a: int, b: int) -> dict[int, int]:
    first, second = r.call.criteria.all()
    return {first.pk: a, second.pk: b}


def test_an_assessor_from_an_applicants_region_is_refused_and_the_refusal_is_audited(
    grant_round: Round,
) -> None:
    r = grant_round
    application = submitted(r, "Digital patologi", 200_000, [PAT_05, PAT_06])
    assessment.start_assessment(r.call)
    application.refresh_from_db()
    reason = assessment.conflict(application, r.own_region)
    assert reason is not None and "region 05" in reason
    with pytest.raises(assessment.ConflictOfInterest):
        assessment.save_assessment(
            application, r.own_region, scores(r, 5, 4), "Mycket bra projekt för oss.", "grant"
        )
    refusal = AuditEvent.objects.get(action="conflict_refused")
    assert refusal.username == "bo"
    assert refusal.object_id == str(application.pk)
    assert "region 05" in refusal.details["reason"]
    assert not application.assessments.exists()
    # The patient council member from Kalmar has no conflict.
    assert assessment.conflict(application, r.outsider) is None


def test_the_unit_rule_lets_a_same_region_assessor_score_but_never_her_own_unit(
    grant_round: Round,
) -> None:
    r = grant_round
    r.call.conflict_rule = "unit"
    r.call.save()
    application = submitted(r, "Digital patologi", 200_000, [PAT_05, PAT_06])
    assert assessment.conflict(application, r.own_region) is None
    r.own_region.unit = "  patologi   LINKÖPING "  # the same unit, however it is written
    assert "sökande enhet" in str(assessment.conflict(application, r.own_region))


def test_scores_need_every_criterion_within_its_scale_and_a_justification(
    grant_round: Round,
) -> None:
    r = grant_round
    application = submitted(r, "Digital patologi", 200_000, [PAT_05, PAT_06])
    with pytest.raises(calls.CallError, match="under bedömning"):
        assessment.save_assessment(
            application, r.outsider, scores(r, 4, 4), "Tydligt behov och bra plan.", "grant"
        )
    assessment.start_assessment(r.call)
    application.refresh_from_db()
    for bad, message in [
        (scores(r, 6, 4), "ska vara 1–5"),
        (scores(r, 4, 5), "ska vara 1–4"),
        ({r.call.criteria.first().pk: 3}, "ange poäng för Genomförbarhet"),
    ]:
        with pytest.raises(calls.CallError, match=message):
            assessment.save_assessment(
                application, r.outsider, bad, "Tydligt behov och bra plan.", "grant"
            )
    with pytest.raises(calls.CallError, match="motivering"):
        assessment.save_assessment(application, r.outsider, scores(r, 4, 4), "  Bra.  ", "grant")
    assert not application.assessments.exists()
    assessment.save_assessment(
        application, r.outsider, scores(r, 5, 2), "Tydligt behov och bra plan.", "partly"
    )
    s = assessment.summary(application)
    # (3·5/5 + 1·2/4) / 4 = 0.875
    assert s.score == pytest.approx(87.5)
    assert s.n == 1 and s.patient_council == 1
    assert s.recommendation == "Bevilja delvis"
    assert s.criteria == [("Nytta för patienterna", 3, 5, 5.0), ("Genomförbarhet", 1, 4, 2.0)]
    # Saving again replaces the assessor's scores.
    assessment.save_assessment(
        application, r.outsider, scores(r, 1, 1), "Svagt underbyggd budget, oklart syfte.", "reject"
    )
    assert assessment.summary(application).score == pytest.approx((3 / 5 + 1 / 4) / 4 * 100)


def test_criteria_are_fixed_once_the_assessment_has_begun(grant_round: Round) -> None:
    r = grant_round
    application = submitted(r, "Digital patologi", 200_000, [PAT_05, PAT_06])
    assessment.start_assessment(r.call)
    application.refresh_from_db()
    assessment.save_assessment(
        application, r.outsider, scores(r, 3, 3), "Tydligt behov och bra plan.", "grant"
    )
    with pytest.raises(calls.CallError, match="kriterierna kan inte längre ändras"):
        assessment.add_criterion(r.call, "Spridning", weight=1, scale_max=5)


def test_the_meeting_list_ranks_by_score_with_the_pools_running_budget(grant_round: Round) -> None:
    r = grant_round  # pool 500 000 kr
    low = submitted(r, "Svagare", 200_000, [PAT_05, PAT_06])
    high = submitted(r, "Starkare", 350_000, [PAT_06, PAT_05])
    assessment.start_assessment(r.call)
    for application, (a, b) in ((low, (2, 2)), (high, (5, 4))):
        application.refresh_from_db()
        assessment.save_assessment(
            application, r.outsider, scores(r, a, b), "Motiverad bedömning av ansökan.", "grant"
        )
    items = assessment.meeting_list(r.call)
    assert [i.application.pk for i in items] == [high.pk, low.pk]
    assert [(i.remaining_before, i.remaining_after, i.fits) for i in items] == [
        (500_000, 150_000, True),
        (150_000, -50_000, False),
    ]
    # A decision moves the ledger; the list follows it.
    calls.decide(Application.objects.get(pk=high.pk), 350_000)
    (only,) = assessment.meeting_list(r.call)
    assert (only.remaining_before, only.remaining_after, only.fits) == (150_000, -50_000, False)
    with pytest.raises(calls.CallError, match="ryms inte"):
        calls.decide(Application.objects.get(pk=low.pk), 200_000)
    calls.decide(Application.objects.get(pk=low.pk), 200_000, override_reason="Styrgruppen 14/3")
    (row,) = ledger.ledger(2025)
    assert (row.granted, row.remaining) == (550_000, -50_000)
    assert any("Styrgruppen 14/3" in p for p in row.problems)
    assert AuditEvent.objects.filter(action="grant_override").count() == 1
