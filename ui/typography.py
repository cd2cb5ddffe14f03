"""Urdu reading styles: Naskh (the default) or Nastaliq, chosen on the page.

Urdu readers know Nastaliq from print, so it is offered for Urdu body text
(answers, evidence, summaries, article previews). Naskh stays the default:
at the app's 14-16 px body sizes Nastaliq's sloping, stacked joins and
closely set dots are harder to tell apart, and it needs more room: the face's
ascent plus descent is 2.5 em in Noto Nastaliq Urdu against 1.7 em in Noto
Naskh Arabic (hhea metrics, read with fontTools), so set at a readable size
(1.2 em) with a line of its full height (2.5), a Nastaliq line takes 3.0 em
where a Naskh one takes 2.0 em (1.06 em x 1.9): a screen holds a third fewer
lines. With Nastaliq chosen, Urdu body text gets that size and line height;
labels and English text are unchanged.

The choice lives in the browser (a class on `<html>`, kept in localStorage by
`ui/static/khabar_lang.js`); this module makes the CSS, served with the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

NASTALIQ_FILES = (Path("/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf"),)
ARABIC_RANGES = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF"


@dataclass(frozen=True)
class ReadingStyle:
    """How Urdu body text is set in one style."""

    key: str
    family: str  # CSS family put first for Urdu text
    size_em: float  # relative to the surrounding text
    line_height: float  # unitless multiple of the font size


NASKH = ReadingStyle("naskh", "Khabar Urdu", 1.06, 1.9)
# 2.5: the face's ascent plus descent (2.5 em), so a line box holds its tallest
# stack and a highlight (`mark`, as tall as the face) is no taller than its line;
# 1.2 em: at the Naskh size its dots and small bowls merge.
NASTALIQ = ReadingStyle("nastaliq", "Khabar Nastaliq", 1.2, 2.5)
STYLES = {s.key: s for s in (NASKH, NASTALIQ)}
DEFAULT_STYLE = NASKH.key
STYLE_CLASS = "kh-nastaliq"  # on <html> when Nastaliq is chosen

# Urdu body text: only elements that say they are Urdu (a page whose interface
# is Urdu has lang="ur" on <html>, which must not switch English answers to Nastaliq)
URDU_TEXT = (
    '.kh-msg[lang="ur"]',
    '.kh-msg[dir="rtl"]',
    '.kh-summary[lang="ur"]',
    '.kh-source[lang="ur"]',
    '.kh-aligned[lang="ur"]',
    '.kh-cites span[lang="ur"]',
    '.kh-edition[lang="ur"]',
)


def style_of(value: object) -> ReadingStyle:
    """The style for a value from the page (unknown or empty: the default)."""
    return STYLES.get(str(value or "").strip().lower(), STYLES[DEFAULT_STYLE])


def find_nastaliq() -> Path | None:
    """Noto Nastaliq Urdu from Debian's fonts-noto-core, if installed."""
    return next((p for p in NASTALIQ_FILES if p.is_file()), None)


def reading_css(nastaliq: Path | None) -> str:
    """The CSS of the Nastaliq style: its font face (served from `nastaliq`,
    which must be in launch's allowed paths), size and line height for Urdu
    body text under `html.kh-nastaliq`. Without the font file the class still
    switches to any installed Nastaliq face by name."""
    face = ""
    if nastaliq is not None:
        face = (
            f'@font-face {{ font-family: "{NASTALIQ.family}"; src: url("/gradio_api/file={quote(str(nastaliq))}"); '
            f"font-display: swap; unicode-range: {ARABIC_RANGES}; }}\n"
        )
    selectors = ", ".join(f"html.{STYLE_CLASS} {s}" for s in URDU_TEXT)
    marks = ", ".join(f"html.{STYLE_CLASS} {s} mark" for s in URDU_TEXT)
    return (
        face
        + f'{selectors} {{ font-family: "{NASTALIQ.family}", "Noto Nastaliq Urdu", var(--kh-font); '
        f"font-size: {NASTALIQ.size_em}em; line-height: {NASTALIQ.line_height}; }}\n"
        # a highlight spans the text only: its box stays within the line, never over the line above
        + f"{marks} {{ line-height: inherit; padding-block: 0; }}\n"
    )
