"""Errors of the respondents' API as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from rest_framework.views import exception_handler


def problem_details_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    problem = {"type": "about:blank", "title": response.status_text, "status": response.status_code}
    if isinstance(data, dict) and set(data) == {"detail"}:
        problem["detail"] = str(data["detail"])
    elif data:
        problem["errors"] = data
    response.data = problem
    response.content_type = "application/problem+json"
    return response
