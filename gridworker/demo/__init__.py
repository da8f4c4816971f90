"""A realistic, reproducible demo city (无锡-shaped): one community up to the whole city.

``iter_city(households, seed, now=...)`` streams full rows per table in sync order;
``write_laptop(db, households, seed, progress)`` writes them into a laptop database. Pure
Python over the store: no Qt, no web framework.
"""
from __future__ import annotations

from .city import demo_now, iter_city
from .laptop import NotEmptyError, write_laptop

__all__ = ["NotEmptyError", "demo_now", "iter_city", "write_laptop"]
