"""Puts tests/ on the import path, so any test imports the shared fakes
(`fake_models`, `fake_pipeline`) by name."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
