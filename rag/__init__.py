"""Khabar: offline, cited question answering and bilingual summaries for
Urdu and English news articles."""

__version__ = "0.1.0"
