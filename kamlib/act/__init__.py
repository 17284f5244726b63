"""Act: what to offer a key account and how to select and fund them, a subpackage by method.

- :mod:`~kamlib.act.baskets`: association rules between products, with significance and lift intervals;
- :mod:`~kamlib.act.recommend`: personalised product lists (item-based collaborative filtering, popularity and
  rule baselines) and their evaluation on held-out purchases;
- :mod:`~kamlib.act.strategy`: selection rules, targeting policies and budget allocation across tiers.

``from kamlib.act import baskets, recommend, strategy``.
"""

from __future__ import annotations

from . import baskets, recommend, strategy

__all__ = ["baskets", "recommend", "strategy"]
