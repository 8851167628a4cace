"""Escalation data: the working-day overrides, deadline policies, clocks and reminders.

Every figure in a DeadlinePolicy carries its source (DeadlinePolicy.source); clocks store their
due time so the sweep only compares a column with now.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.parties import Party


class HolidayOverride(models.Model):
    """A date the library does not know yet, or gets wrong, as the State Council notice says."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("For example: 2027 Spring Festival"))
    source = models.CharField(_("source"), max_length=300, help_text=_("The State Council notice (URL or title)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'working' if self.is_working_day else 'day off'}"


class PublishedSchedule(models.Model):
    """Staff confirm a year's whole notice is entered as overrides: its ordinary days
    are then known too, and deadlines within it are no longer provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("published holiday schedule")
        verbose_name_plural = _("published holiday schedules")

    def __str__(self):
        return str(self.year)


class Route(models.TextChoices):
    """The ladder a consumer climbs after the platform (escalation.ladder holds its rules)."""

    # Each route but ODR is named after the party it goes to (core.parties).
    PLATFORM = Party.PLATFORM.value, _("The platform")
    ODR = "12315_odr", _("12315 online dispute resolution (ODR)")
    REGULATOR = Party.REGULATOR.value, _("12315 complaint to the market regulator")
    ASSOCIATION = Party.ASSOCIATION.value, _("Consumer association")
    COURT = Party.COURT.value, _("Court")


class StepKind(models.TextChoices):
    """What the consumer (or staff for them) records on a route."""

    FILED = "filed", _("filed")
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    AGREEMENT = "agreement", _("ended with an agreement")
    NO_AGREEMENT = "no_agreement", _("ended without agreement")


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    RESOLUTION = "resolution", _("resolution")
    ACCEPTANCE = "acceptance", _("decision to accept")
    MEDIATION = "mediation", _("mediation")
    ASSOCIATION = "association", _("consumer association check-in")
    ODR = "odr_negotiation", _("ODR negotiation")


# The platform's clocks, and the clocks of the routes after it (escalation.ladder
# starts and meets these); every app that groups clocks imports these two.
PLATFORM_KINDS = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)
REGULATOR_KINDS = (ClockKind.ODR, ClockKind.ACCEPTANCE, ClockKind.MEDIATION, ClockKind.ASSOCIATION)


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    HOURS = "hours", _("hours")


class DeadlinePolicy(models.Model):
    """How long a body has for one step, with where that figure comes from."""

    class Basis(models.TextChoices):
        """What a figure rests on, as the public is told it. `source` keeps the exact
        references for staff (file names, articles, URLs) and is never shown to consumers."""

        LAW = "law", _("the law")
        REGULATION = "regulation", _("a regulation of the State Administration for Market Regulation")
        OFFICIAL_NOTICE = "official_notice", _("notices of the market regulators")
        PLATFORM_RULE = "platform_rule", _("the platform's own published rules")
        REPORTS = "reports", _("articles on the web; the platform has not confirmed it")
        REMINDER = "reminder", _("a reminder from Tousu, not a legal deadline")

    slug = models.SlugField(_("key"), unique=True)
    body = models.CharField(_("body"), max_length=20, choices=Party.choices)
    platform = models.ForeignKey(
        "platforms.Platform",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_policies",
        verbose_name=_("platform"),
    )
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    expected_after = models.PositiveSmallIntegerField(
        _("expected from"), null=True, blank=True, help_text=_("Earliest the answer is expected, in the unit")
    )
    due_after = models.PositiveSmallIntegerField(
        _("due after"), null=True, blank=True, help_text=_("Empty: no clock runs until staff set a figure")
    )
    source = models.TextField(_("source"), help_text=_("Where the figure comes from; never load one without it"))
    basis = models.CharField(
        _("what the public is told it rests on"),
        max_length=20,
        choices=Basis.choices,
        default=Basis.REPORTS,
        help_text=_("Shown to consumers beside the figure, instead of the source above."),
    )
    reliability = models.CharField(_("how sure"), max_length=200, blank=True)
    # The measure a figure belongs to applies to complaints filed from the day it came
    # into force (empty: the earliest known measure). A figure not yet read in the
    # measure's own text is provisional, and the reason is shown beside it.
    in_force_from = models.DateField(_("for complaints filed from"), null=True, blank=True)
    provisional_reason = models.TextField(
        _("why the figure is provisional"), blank=True, help_text=_("Empty once read in the measure's own text")
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["body", "platform__sort_order", "kind", "in_force_from"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "platform", "kind", "in_force_from"], name="policy_one_per_body_kind_measure"
            ),
        ]

    def __str__(self):
        return self.slug

    @property
    def runs(self) -> bool:
        return self.active and self.due_after is not None


class Clock(models.Model):
    """One deadline of one complaint. Running clocks are what the sweep reads."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        MET = "met", _("met")
        STOPPED = "stopped", _("stopped")

    class ReminderKind(models.TextChoices):
        DUE_TOMORROW = "due_tomorrow", _("due tomorrow")
        OVERDUE = "overdue", _("overdue")
        STILL_OVERDUE = "still_overdue", _("still overdue")

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.PROTECT, related_name="clocks")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    expected_at = models.DateTimeField(_("expected from"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    # Some day counted was beyond the published holiday schedule (escalation.workdays).
    provisional = models.BooleanField(_("provisional"), default=False)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    # While paused: what was left, in the policy's unit (working days, or seconds for hours).
    remaining = models.IntegerField(null=True, blank=True)
    # The next reminder: when and which. NULL while a claimed reminder is being sent.
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    next_reminder_kind = models.CharField(max_length=20, choices=ReminderKind.choices, blank=True)
    reminder_seq = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    # When staff stood behind the start: they forwarded the complaint themselves, or
    # confirmed the consumer's own complaint to the body. Public statistics count only
    # clocks with it set, so no account can move them by declaring dates.
    start_confirmed_at = models.DateTimeField(_("start confirmed at"), null=True, blank=True)
    start_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("start confirmed by"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            # A complaint has at most one live clock of each kind.
            models.UniqueConstraint(
                fields=["complaint", "kind"],
                condition=models.Q(state__in=["running", "paused"]),
                name="clock_one_live_per_kind",
            ),
        ]
        indexes = [
            # actions.reminders.claim_due_reminders reads only these rows.
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(state="running", next_reminder_at__isnull=False),
                name="clock_reminder_due_idx",
            ),
            # Unmet clocks by due time: the staff digest and overdue lists.
            models.Index(fields=["due_at"], condition=models.Q(state="running"), name="clock_running_due_idx"),
            # staff.stats: first-response clocks with a confirmed start, by start time.
            models.Index(
                fields=["started_at"],
                condition=models.Q(kind="first_response", start_confirmed_at__isnull=False),
                name="clock_confirmed_first_idx",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind} {self.due_at:%Y-%m-%d}"

    def is_overdue(self, now=None) -> bool:
        return self.state == self.State.RUNNING and self.due_at < (now or timezone.now())


class Reminder(models.Model):
    """One reminder of one clock, claimed by the sweep before anything is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Clock.ReminderKind.choices)
    seq = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    email = models.ForeignKey(
        "notifications.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    # Last time a task was handed this reminder; the sweep re-enqueues stale pending ones.
    enqueued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind", "seq"], name="reminder_once_per_clock_kind_seq"),
        ]
        indexes = [
            # escalation.sweep.requeue_stale_reminders reads only these rows.
            models.Index(fields=["enqueued_at"], condition=models.Q(status="pending"), name="reminder_pending_idx"),
        ]

    def __str__(self):
        return f"{self.clock_id} {self.kind} #{self.seq}"


class ReminderMute(models.Model):
    """The consumer clicked the mute link of a reminder email for this complaint."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="reminder_mute")
    muted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("muted reminders")
        verbose_name_plural = _("muted reminders")

    def __str__(self):
        return str(self.complaint_id)


class PlatformFiling(models.Model):
    """The consumer says they complained to the platform themself (this starts the clocks)."""

    class Channel(models.TextChoices):
        APP = "app", _("In the platform's app")
        WEBSITE = "website", _("On the platform's website")
        PHONE = "phone", _("By phone")
        OTHER = "other", _("Other")
        # Delivered to the platform's own queue on Tousu (actions.respondents.deliver).
        TOUSU = "tousu", _("Delivered on Tousu")

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="platform_filings")
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    filed_at = models.DateTimeField(_("when"))
    ticket = models.CharField(_("the platform's ticket number"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("complaint to the platform")
        verbose_name_plural = _("complaints to the platform")

    def __str__(self):
        return f"{self.complaint_id} {self.channel} {self.filed_at:%Y-%m-%d}"


class EscalationFiling(models.Model):
    """One step on a route after the platform: filed with 12315 (ODR or regular), its
    decision, the end of mediation, the consumer association, the court. Written only
    by actions.routes.record_step, which also moves the clocks."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="escalations")
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    step = models.CharField(_("step"), max_length=20, choices=StepKind.choices, default=StepKind.FILED)
    body = models.CharField(_("filed with"), max_length=20, choices=Party.choices)
    reference = models.CharField(_("reference number"), max_length=60, blank=True)
    filed_on = models.DateField(_("date"))
    # Why 12315 did not accept it, as the consumer read it in the notice.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_role = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("step on a route")
        verbose_name_plural = _("steps on the routes")
        constraints = [
            # A route's steps happen once each: a replayed form changes nothing.
            models.UniqueConstraint(fields=["complaint", "route", "step"], name="route_step_once"),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.route} {self.step} {self.reference}"


class SolvedQuestion(models.Model):
    """ "Was it solved?": asked when the complaint is marked resolved or a route's
    outcome is recorded (escalation.solved), again after a few weeks if unanswered.
    The consumer's answer feeds the per-platform "confirmed solved" share (staff.stats)."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="solved_question")
    asked_at = models.DateTimeField(_("asked at"))
    # When to ask again if still unanswered; NULL once asked again (or answered).
    ask_again_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    solved = models.BooleanField(_("solved"), null=True)

    class Meta:
        verbose_name = _("was it solved?")
        verbose_name_plural = _("was it solved?")
        indexes = [
            # actions.solved.ask_again_due reads only these rows.
            models.Index(
                fields=["ask_again_at"],
                condition=models.Q(ask_again_at__isnull=False, answered_at__isnull=True),
                name="solved_ask_again_idx",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.solved}"


class PaperworkDraft(models.Model):
    """What the consumer edits before the PDFs are made: their own words (the annex that
    follows the third-person 事实与理由, escalation.account), the evidence list
    (escalation.evidence_list: order, what each item proves, left out) and whether the
    court copy blurs their name and address. Written only by actions.paperwork."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="paperwork_draft")
    own_words = models.TextField(_("your own words"), blank=True)
    # [{"evidence": <Evidence public_id>, "proves": "…", "included": true}, …] in the consumer's order.
    evidence_list = models.JSONField(_("evidence list"), default=list, blank=True)
    blur_court_copy = models.BooleanField(_("blur my name and address in the court copy"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("paperwork draft")
        verbose_name_plural = _("paperwork drafts")

    def __str__(self):
        return f"paperwork draft {self.complaint_id}"
