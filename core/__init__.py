"""The project's small shared library: vocabularies and helpers every app may import
(parties, publishing to Celery, private responses, the admin's private search).

It sits below every app and imports none of them (tests/test_layers.py), so
complaints, reading, escalation, staff, channels and privacy can all name the same
things the same way.
"""
