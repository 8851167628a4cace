"""The actions layer is the one writer of complaints: tests/writers.py watches every
write of the suite, and these prove the watch catches a writer outside actions/."""

import pytest
from django.db import transaction

from actions import action
from complaints.models import Complaint, TimelineEvent
from escalation.models import Clock
from tests.writers import ROOT, WriteOutsideActions

pytestmark = pytest.mark.django_db


def rogue_function(source: str, module_path: str):
    """A function whose code lives (as far as Python's frames tell) in `module_path`."""
    namespace = {"Complaint": Complaint, "TimelineEvent": TimelineEvent, "Clock": Clock}
    exec(compile(source, str(ROOT / module_path), "exec"), namespace)
    return namespace["rogue"]


@pytest.mark.parametrize(
    "module_path, statement",
    [
        ("staff/services.py", "Complaint.objects.filter(pk=complaint.pk).update(assignee=None)"),
        ("escalation/receivers.py", "Clock.objects.filter(complaint=complaint).update(state='met')"),
        ("privacy/erasure.py", "TimelineEvent.objects.filter(complaint=complaint).update(text='')"),
        ("complaints/recipients.py", "Complaint.objects.filter(pk=complaint.pk).delete()"),
    ],
)
def test_a_write_to_a_complaint_from_outside_the_actions_layer_fails(module_path, statement, make_complaint, consumer):
    complaint = make_complaint(consumer)
    rogue = rogue_function(f"def rogue(complaint):\n    {statement}\n", module_path)
    with pytest.raises(WriteOutsideActions, match=module_path):
        rogue(complaint)


def test_the_same_write_from_the_actions_layer_passes(make_complaint, consumer):
    complaint = make_complaint(consumer)
    rogue = rogue_function(
        "def rogue(complaint):\n    return Complaint.objects.filter(pk=complaint.pk).update(assignee=None)\n",
        "actions/staff.py",
    )
    assert rogue(complaint) == 1


def test_an_action_runs_in_its_own_durable_transaction_and_refuses_an_outer_one():
    @action
    def change():
        return transaction.get_connection().in_atomic_block

    assert change() is True
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        # A caller's transaction around an action would make the action's commit not its own.
        change()


def test_an_action_called_by_another_runs_inside_the_first_ones_transaction():
    @action
    def inner():
        return "inner"

    @action
    def outer():
        return inner()

    assert outer() == "inner"
