"""The one error base of the app.

Every error the app raises on purpose is an :class:`AppError` with a Chinese message that
names what is wrong (the file, row and column where there is one) and what to do; a page
catches this one type and shows the message.  Domain errors keep the built-in base they
had (``ValueError``, ``PermissionError`` ...) beside it, so callers that catch those still do.
"""

from __future__ import annotations


class AppError(Exception):
    """An error a user can act on; its message is written for them."""
