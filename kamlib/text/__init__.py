"""Text: the voice of the customer in reviews (:mod:`~kamlib.text.reviews`: sentiment and aspects of Chinese
product reviews, read from a review export).

``from kamlib.text import reviews``.
"""

from __future__ import annotations

from . import reviews

__all__ = ["reviews"]
