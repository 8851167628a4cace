"""Signals other apps listen to, so complaints/ never imports them.

status_changed is sent inside the transaction that changed the status: a receiver's
writes (escalation clocks) commit or roll back with it.
"""

import django.dispatch

# kwargs: complaint, source, target, actor, role, at, details (dict of the move's data)
status_changed = django.dispatch.Signal()
