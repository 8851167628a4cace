import pytest
from django.utils import translation

from actions.messages import post_message
from actions.status import transition, withdraw
from complaints import states
from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, ComplaintChanged, Status, TransitionNotAllowed

# The state machine as a literal table: (from, to) -> who may make the move. Every
# (from, to, actor) combination not listed here must be refused. Written out by hand so
# a change to complaints/states.py has to be made twice, here on purpose.
GOLDEN_MOVES = {
    ("submitted", "in_review"): "staff",
    ("submitted", "forwarded"): "consumer staff system",
    ("submitted", "rejected"): "staff",
    ("submitted", "withdrawn"): "consumer staff",
    ("in_review", "needs_info"): "staff",
    ("in_review", "forwarded"): "consumer staff system",
    ("in_review", "rejected"): "staff",
    ("in_review", "withdrawn"): "consumer staff",
    ("needs_info", "in_review"): "consumer staff",
    ("needs_info", "rejected"): "staff",
    ("needs_info", "withdrawn"): "consumer staff",
    ("forwarded", "needs_info"): "staff",
    ("forwarded", "platform_responded"): "consumer staff respondent",
    ("forwarded", "resolved"): "consumer staff respondent",
    ("forwarded", "escalated"): "consumer staff",
    ("forwarded", "withdrawn"): "consumer staff",
    ("platform_responded", "forwarded"): "staff",
    ("platform_responded", "resolved"): "consumer staff respondent",
    ("platform_responded", "escalated"): "consumer staff",
    ("platform_responded", "withdrawn"): "consumer staff",
    ("platform_responded", "closed"): "staff",
    ("resolved", "platform_responded"): "consumer",
    ("resolved", "escalated"): "consumer",
    ("resolved", "withdrawn"): "consumer staff",
    ("resolved", "closed"): "staff system",
    ("escalated", "resolved"): "consumer staff",
    ("escalated", "withdrawn"): "consumer staff",
    ("escalated", "closed"): "staff",
}
STATUSES = [
    "submitted",
    "in_review",
    "needs_info",
    "forwarded",
    "platform_responded",
    "resolved",
    "escalated",
    "rejected",
    "withdrawn",
    "closed",
]
ACTORS = ["consumer", "staff", "system", "respondent"]


def test_the_state_machine_knows_exactly_these_statuses_and_actors():
    assert [s.value for s in Status] == STATUSES
    assert [a.value for a in Actor] == ACTORS


@pytest.mark.parametrize("source", STATUSES)
def test_every_move_from_a_status_for_every_actor_matches_the_golden_table(source):
    # 10 targets x 4 actors per source: 400 combinations over the whole machine.
    expected = {(target, actor) for target in STATUSES for actor in GOLDEN_MOVES.get((source, target), "").split()}
    actual = {(target, actor) for target in STATUSES for actor in ACTORS if states.allowed(source, target, actor)}
    assert actual == expected


def test_terminal_statuses_allow_no_move_at_all():
    for status in states.TERMINAL:
        for target in Status:
            for actor in Actor:
                assert not states.allowed(status, target, actor)


@pytest.mark.parametrize(
    "source, target, actor",
    [
        (Status.SUBMITTED, Status.RESOLVED, Actor.STAFF),  # cannot skip the platform
        (Status.SUBMITTED, Status.IN_REVIEW, Actor.CONSUMER),  # only staff triage
        (Status.SUBMITTED, Status.REJECTED, Actor.CONSUMER),
        (Status.FORWARDED, Status.CLOSED, Actor.CONSUMER),
        (Status.RESOLVED, Status.FORWARDED, Actor.STAFF),
        (Status.IN_REVIEW, Status.ESCALATED, Actor.CONSUMER),  # escalate only after the platform had it
    ],
)
def test_forbidden_moves_are_refused(source, target, actor):
    assert not states.allowed(source, target, actor)


def test_a_consumer_can_withdraw_from_every_open_status():
    for status in Status:
        assert states.allowed(status, Status.WITHDRAWN, Actor.CONSUMER) == (status not in states.TERMINAL)


@pytest.mark.django_db
def test_transition_records_who_when_and_the_move(make_complaint, consumer, staff_user):
    complaint = make_complaint(consumer)
    transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF, text="checking")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_REVIEW
    event = complaint.events.get(kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert (event.actor, event.actor_role, event.from_status, event.to_status, event.text) == (
        staff_user,
        "staff",
        Status.SUBMITTED,
        Status.IN_REVIEW,
        "checking",
    )


@pytest.mark.django_db
def test_a_forbidden_transition_changes_nothing(make_complaint, consumer):
    complaint = make_complaint(consumer)
    with pytest.raises(TransitionNotAllowed):
        transition(complaint, Status.RESOLVED, actor=consumer, role=Actor.CONSUMER)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.SUBMITTED
    assert not complaint.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED).exists()


@pytest.mark.django_db
def test_two_people_moving_the_same_complaint_cannot_both_win(make_complaint, consumer, staff_user):
    complaint = make_complaint(consumer)
    stale_copy = Complaint.objects.get(pk=complaint.pk)
    transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    with pytest.raises(ComplaintChanged):
        transition(stale_copy, Status.REJECTED, actor=staff_user, role=Actor.STAFF)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_staff_moves_email_the_consumer_in_their_language(make_complaint, consumer, staff_user):
    complaint = make_complaint(consumer)
    transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    email = complaint.emails.get(template="status_changed")
    assert email.to == complaint.contact_email
    assert email.language == "zh-hans"
    assert email.subject == f"[Tousu] 投诉 {complaint.reference}：审核中"
    assert f"您的投诉 {complaint.reference} 当前状态：审核中。" in email.body_text


@pytest.mark.django_db
def test_a_consumer_reply_puts_a_waiting_complaint_back_in_review(make_complaint, consumer, staff_user):
    complaint = make_complaint(consumer)
    transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
    transition(complaint, Status.NEEDS_INFO, actor=staff_user, role=Actor.STAFF, text="请补充聊天记录")
    post_message(complaint, actor=consumer, role=Actor.CONSUMER, text="已补充,见截图。")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_a_message_to_a_withdrawn_complaint_is_refused_naming_its_status_once(make_complaint, consumer):
    complaint = make_complaint(consumer, images=0)
    withdraw(complaint, actor=consumer, reason="")
    for language, expected in (
        ("en", "A complaint that is “Withdrawn” can no longer be changed."),
        ("zh-hans", "状态为“已撤回”的投诉不能再修改。"),
    ):
        with translation.override(language), pytest.raises(TransitionNotAllowed) as refused:
            post_message(complaint, actor=consumer, role=Actor.CONSUMER, text="还在吗？")
        assert str(refused.value) == expected
