"""The project's small shared library: vocabularies every app may import.

It sits below every app and imports none of them (tests/test_layers.py), so
complaints, reading, escalation, staff, channels and privacy can all name the same
things the same way.
"""
