"""The two exception roots of a request the server does not carry out.

``Refused`` is the request's fault: always a 4xx, with a message.
``DatabaseUnavailable`` is the server's: the database could not take the
write (or the read) in time, or cannot be written at all (locked by another
program past the bound, read-only, disk full). It is answered 503 with
``Retry-After``, and nothing in the request was committed.
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, status: int, message: str, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class DatabaseUnavailable(Exception):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def bad_request(message: str, **details) -> Refused:
    return Refused(400, message, **details)


def not_found(message: str) -> Refused:
    return Refused(404, message)


def conflict(message: str, **details) -> Refused:
    return Refused(409, message, **details)
