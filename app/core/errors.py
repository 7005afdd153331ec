"""Errors a user can cause. Each carries one sentence meant for that user."""


class ParleyError(Exception):
    """Base class; str(error) is the sentence shown to the user."""

    exit_code = 1


class BadInput(ParleyError):
    """Input that can never be accepted as given (CLI exit 2)."""

    exit_code = 2


class NotFound(BadInput):
    """An unknown member, conversation or message (CLI exit 2)."""


class Refused(ParleyError):
    """A rule of the messaging system says no (CLI exit 3)."""

    exit_code = 3
