"""Finding an Urdu font to serve locally.

No font file is committed: the app looks for one at run time, first in the
PyPI package `fontpkg-noto-sans-arabic` (OFL-1.1, part of the `ui` extra), then
in Debian's font packages. The page never fetches a font from the internet; if
nothing is found the CSS falls back to whatever Urdu font the system has.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

# (CSS family name, Debian path) in order of preference after the PyPI font.
DEBIAN_FONTS: tuple[tuple[str, str], ...] = (
    ("Noto Nastaliq Urdu", "/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf"),
    ("Noto Naskh Arabic", "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"),
    ("Noto Sans Arabic", "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
)


@dataclass(frozen=True)
class UrduFont:
    """A font file on disk and the family name the CSS gives it."""

    family: str
    path: Path
    licence: str


def _pypi_font() -> UrduFont | None:
    spec = importlib.util.find_spec("fontpkg_noto_sans_arabic")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    files = sorted(folder.glob("*.ttf")) if folder.is_dir() else []
    return UrduFont("Noto Sans Arabic", files[0], "OFL-1.1") if files else None


def find_urdu_font() -> UrduFont | None:
    """The first Urdu-capable font found in a package, or None (CSS falls back to system fonts)."""
    font = _pypi_font()
    if font is not None:
        return font
    for family, path in DEBIAN_FONTS:
        if Path(path).is_file():
            return UrduFont(family, Path(path), "OFL-1.1")
    return None
