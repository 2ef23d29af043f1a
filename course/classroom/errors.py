"""The one exception root for a request the server refuses: always a 4xx, with a message."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, message: str, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def bad_request(message: str, **details) -> Refused:
    return Refused(400, message, **details)


def not_found(message: str) -> Refused:
    return Refused(404, message)


def conflict(message: str, **details) -> Refused:
    return Refused(409, message, **details)
