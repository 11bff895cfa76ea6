"""One row per audited event. Rows are only ever added (the viewer has no edit or delete)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One audited event: who did what to which object, when and from where."""

    class Action(models.TextChoices):
        """The kinds of audited events, with their Swedish names."""

        LOGIN = "login", _("Inloggning")
        LOGOUT = "logout", _("Utloggning")
        LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
        LOGIN_LOCKED = "login_locked", _("Inloggning spärrad (för många försök)")
        DELIVERY_UPLOADED = "delivery_uploaded", _("Leverans uppladdad")
        DELIVERY_IMPORTED = "delivery_imported", _("Leverans importerad")
        DELIVERY_REJECTED = "delivery_rejected", _("Leverans avvisad")
        DELIVERY_UNCHANGED = "delivery_unchanged", _("Leverans oförändrad (identisk fil)")
        DELIVERY_REFUSED = "delivery_refused", _("Leverans vägrad (överlapp)")
        DELIVERY_VIEWED = "delivery_viewed", _("Valideringsrapport visad")
        LIST_VIEWED = "list_viewed", _("Patientlista visad")
        LIST_EXPORTED = "list_exported", _("Patientlista exporterad")
        FIGURES_VIEWED = "figures_viewed", _("Interna siffror visade")
        COMPUTE = "compute", _("Beräkning")
        REPORT = "report", _("Rapport")
        USER_CREATED = "user_created", _("Användare skapad")
        USER_CHANGED = "user_changed", _("Användare ändrad")
        CATALOG_CHANGED = "catalog_changed", _("Katalog ändrad")
        TARGET_CHANGED = "target_changed", _("Målnivå ändrad")
        ACCESS_DENIED = "access_denied", _("Åtkomst nekad")
        NOT_FOUND = "not_found", _("Okänd sida eller dolt objekt")
        PLAN_IMPORTED = "plan_imported", _("Handlingsplan importerad")
        PLAN_CREATED = "plan_created", _("Handlingsplan skapad")
        ACTION_CREATED = "action_created", _("Åtgärd skapad")
        ACTION_CHANGED = "action_changed", _("Åtgärd ändrad")
        REMINDER_SENT = "reminder_sent", _("Påminnelse skickad")
        GRANTS_IMPORTED = "grants_imported", _("Stimulansmedel importerade")
        GRANT_RECORDED = "grant_recorded", _("Beviljat belopp bokfört")
        GRANT_OVERRIDE = "grant_override", _("Beviljat utöver potten (dispens)")
        GRANT_PAID = "grant_paid", _("Utbetalning bokförd")
        CALL_CREATED = "call_created", _("Utlysning skapad")
        CALL_DATES_CHANGED = "call_dates_changed", _("Utlysningens tidsplan ändrad")
        CALL_CHANGED = "call_changed", _("Utlysning ändrad (kriterier, bedömare)")
        APPLICATION_SAVED = "application_saved", _("Ansökan sparad")
        APPLICATION_SUBMITTED = "application_submitted", _("Ansökan inskickad")
        APPLICATION_REFUSED = "application_refused", _("Ansökan vägrad (ej behörig)")
        APPLICATION_DECIDED = "application_decided", _("Beslut om ansökan")
        APPLICATION_STATUS = "application_status", _("Ansökans status ändrad")
        ATTACHMENT_UPLOADED = "attachment_uploaded", _("Bilaga uppladdad")
        ATTACHMENT_REFUSED = "attachment_refused", _("Bilaga vägrad")
        ASSESSMENT_SAVED = "assessment_saved", _("Bedömning sparad")
        CONFLICT_REFUSED = "conflict_refused", _("Jäv: bedömning nekad")
        LETTER_CREATED = "letter_created", _("Beslutsbrev skapat")
        PROJECT_REPORTED = "project_reported", _("Projektrapport inlämnad")
        GRANT_SUMMARY = "grant_summary", _("Sammanställning till Socialstyrelsen")

    at = models.DateTimeField(_("tid"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    #: Kept even if the user is deleted later; for failed logins, the name that was tried.
    username = models.CharField(_("användare"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("händelse"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("objekttyp"), max_length=64, blank=True)
    object_id = models.CharField(_("objekt"), max_length=64, blank=True)
    region = models.CharField(_("region"), max_length=8, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("granskningshändelse")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"
