"""Learned answer parts: the answer decision (decision.py) and short answer spans (spans.py)."""
