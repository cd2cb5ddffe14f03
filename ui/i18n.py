"""The interface's words in English and Urdu: one table, two uses.

- Static labels (tabs, buttons, field labels, placeholders) go to Gradio's own
  i18n (`gradio_i18n()` at launch, `label(key)` in the layout): the page shows
  them in the browser's language (`ur`, `ur-PK` -> Urdu) and Gradio's own
  words (upload area, queue, settings) follow, since Gradio ships Urdu.
- Text made on the server (status lines, placeholders inside HTML, summary
  headings) is looked up with `t(key, lang, **values)` for the language the
  page's switch holds (`ui/static/khabar.js` keeps it in step with Gradio's
  locale, `<html lang dir>` and localStorage).

Every key has both languages (a unit test checks it, and that each Urdu text
is Urdu and carries the same `{placeholders}` as the English one).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "ur")
DIRECTIONS = {"en": "ltr", "ur": "rtl"}

# key -> (English, Urdu)
STRINGS: dict[str, tuple[str, str]] = {
    # header and page-wide controls
    "app.title": ("Khabar · خبر", "خبر · Khabar"),
    "app.tagline": (
        "Ask about the news in Urdu or English. Every answer cites the article; everything runs on this machine.",
        "خبروں کے بارے میں اردو یا انگریزی میں سوال پوچھیں۔ ہر جواب مضمون کا حوالہ دیتا ہے، اور سب کچھ اسی کمپیوٹر پر چلتا ہے۔",
    ),
    "app.language": ("Interface language", "انٹرفیس کی زبان"),
    "app.reading_style": ("Urdu reading style", "اردو متن کا خط"),
    "style.naskh": ("Naskh (clearer at small sizes)", "نسخ (چھوٹے حروف میں زیادہ واضح)"),
    "style.nastaliq": ("Nastaliq (as in print)", "نستعلیق (اخبار کی طرح)"),
    "tab.chat": ("Chat", "گفتگو"),
    "tab.summary": ("Summary", "خلاصہ"),
    "tab.articles": ("Articles", "مضامین"),
    "lang.ur": ("Urdu", "اردو"),
    "lang.en": ("English", "انگریزی"),
    # chat tab (labels; the chat's own messages are in ui/render.py and ui/handlers.py)
    "chat.article": ("Article", "مضمون"),
    "chat.all_articles": ("All articles", "تمام مضامین"),
    "chat.conversation": ("Conversation", "گفتگو"),
    "chat.placeholder": (
        "Ask a question about the article, in Urdu or English.",
        "مضمون کے بارے میں اردو یا انگریزی میں سوال پوچھیں۔",
    ),
    "chat.question": ("Type a question…", "اپنا سوال لکھیں…"),
    "chat.ask": ("Ask", "پوچھیں"),
    "chat.new": ("New conversation", "نئی گفتگو"),
    "chat.evidence": ("Evidence", "شواہد"),
    "chat.evidence_empty": (
        "Cited passages and the highlighted article appear here after an answer.",
        "جواب کے بعد حوالہ دیے گئے جملے اور نمایاں جملوں والا مضمون یہاں نظر آئیں گے۔",
    ),
    "chat.type_first": ("Type a question first.", "پہلے سوال لکھیں۔"),
    "chat.too_long": (
        "The question is {n} characters long; the limit is {limit}: shorten it.",
        "سوال {n} حروف کا ہے جبکہ حد {limit} حروف ہے: اسے مختصر کریں۔",
    ),
    "chat.failed": (
        "The question could not be answered ({error}); the server log has the details.",
        "اس سوال کا جواب نہیں دیا جا سکا ({error})؛ تفصیل سرور کے لاگ میں ہے۔",
    ),
    "chat.stop": ("Stop", "روکیں"),
    "chat.retry": ("Retry", "دوبارہ پوچھیں"),
    "chat.undo": ("Undo (edit)", "واپس لیں (ترمیم)"),
    "chat.export": ("Export Markdown", "مارک ڈاؤن میں محفوظ کریں"),
    "chat.closest": (
        "Closest sentences (the article may not say this):",
        "قریب ترین جملے (ہو سکتا ہے مضمون یہ بات نہ کہتا ہو):",
    ),
    "feedback.saved_up": ("Thank you: your like is saved on this machine.", "شکریہ: آپ کی پسندیدگی اسی کمپیوٹر پر محفوظ ہو گئی۔"),
    "feedback.saved_down": ("Thank you: your dislike is saved on this machine.", "شکریہ: آپ کی ناپسندیدگی اسی کمپیوٹر پر محفوظ ہو گئی۔"),
    "feedback.removed": ("Rating removed.", "رائے واپس لے لی گئی۔"),
    # summary tab
    "summary.article": ("Article", "مضمون"),
    "summary.make": ("Summarise", "خلاصہ بنائیں"),
    "summary.regenerate": ("Regenerate", "دوبارہ بنائیں"),
    "summary.download": ("Download Markdown", "مارک ڈاؤن فائل ڈاؤن لوڈ کریں"),
    "summary.none": ("No summary yet.", "ابھی کوئی خلاصہ نہیں۔"),
    "summary.choose": ("Choose an article first.", "پہلے کوئی مضمون منتخب کریں۔"),
    "summary.loading": ("Loading the summaries…", "خلاصے تیار ہو رہے ہیں…"),
    "summary.regenerating": ("Regenerating the summaries…", "خلاصے دوبارہ بنائے جا رہے ہیں…"),
    "summary.sources": ("Sources ({n})", "ماخذ ({n})"),
    "summary.agree": ("✓ The two summaries agree ({n} facts checked).", "✓ دونوں خلاصے متفق ہیں ({n} حقائق جانچے گئے)۔"),
    "summary.disagree": ("The two summaries disagree on {n} point(s):", "دونوں خلاصے {n} نکات پر مختلف ہیں:"),
    # articles tab
    "articles.headline": ("Headline", "سرخی"),
    "articles.id": ("Id", "شناخت"),
    "articles.editions": ("Editions", "ایڈیشن"),
    "articles.sentences": ("Sentences", "جملے"),
    "articles.source": ("Source", "ماخذ"),
    "articles.flagged": ("Flagged (ignored)", "مشتبہ جملے (نظرانداز)"),
    "articles.indexed_at": ("Indexed at", "انڈیکس ہونے کا وقت"),
    "articles.from_upload": ("added in the app", "ایپ میں شامل کیا گیا"),
    "articles.from_folder": ("articles folder", "مضامین کا فولڈر"),
    "articles.original": ("original", "اصل"),
    "articles.translation": ("translation", "ترجمہ"),
    "articles.upload": (
        "Add articles (.txt or .md, UTF-8, at most 1 MB each; several at once)",
        "مضامین شامل کریں (‎.txt یا ‎.md، UTF-8، ہر فائل زیادہ سے زیادہ 1 MB؛ ایک ساتھ کئی فائلیں)",
    ),
    "articles.add": ("Add and index", "شامل کریں اور انڈیکس کریں"),
    "articles.choose_file": ("Choose a .txt or .md file first.", "پہلے ‎.txt یا ‎.md فائل منتخب کریں۔"),
    "articles.added": ("✓ Added {file} as “{title}” ({language}).", "✓ {file} کو «{title}» ({language}) کے طور پر شامل کر دیا گیا۔"),
    "articles.already": (
        "Already there: {file} is the indexed {language} edition of “{title}”; nothing changed.",
        "پہلے سے موجود: {file} مضمون «{title}» کا انڈیکس شدہ {language} ایڈیشن ہے؛ کچھ نہیں بدلا۔",
    ),
    "articles.not_added": ("✗ {file} not added: {error}", "✗ {file} شامل نہیں ہوئی: {error}"),
    "articles.indexing": ("Indexing {file}…", "{file} انڈیکس ہو رہی ہے…"),
    "articles.preview": ("Preview", "جھلک"),
    "articles.pick": ("Article", "مضمون"),
    "articles.preview_empty": ("Choose an article to read its text here.", "متن یہاں پڑھنے کے لیے کوئی مضمون منتخب کریں۔"),
    "articles.preview_more": (
        "… {n} more characters in the full text.",
        "… مکمل متن میں مزید {n} حروف ہیں۔",
    ),
    "articles.delete": ("Delete article", "مضمون حذف کریں"),
    "articles.delete_confirm": (
        "Delete “{title}”? It leaves the index, and its file is removed from the uploads folder.",
        "کیا «{title}» حذف کر دیا جائے؟ یہ انڈیکس سے نکل جائے گا اور اس کی فائل اپ لوڈز کے فولڈر سے مٹا دی جائے گی۔",
    ),
    "articles.delete_yes": ("Yes, delete", "ہاں، حذف کریں"),
    "articles.delete_no": ("Cancel", "منسوخ کریں"),
    "articles.deleted": (
        "✓ Deleted “{title}”: removed from the index, and its file from the uploads folder.",
        "✓ «{title}» حذف کر دیا گیا: انڈیکس سے نکال دیا گیا اور اس کی فائل اپ لوڈز کے فولڈر سے مٹا دی گئی۔",
    ),
    "articles.not_deletable": (
        "“{title}” comes with Khabar (from the articles folder); the app deletes only articles added here. "
        "To remove it, delete its files from the articles folder and run `khabar index`.",
        "«{title}» خبر کے ساتھ آنے والا مضمون ہے (مضامین کے فولڈر سے)؛ ایپ صرف یہاں شامل کیے گئے مضامین حذف کرتی ہے۔ "
        "اسے ہٹانے کے لیے اس کی فائلیں مضامین کے فولڈر سے مٹائیں اور `khabar index` چلائیں۔",
    ),
    "articles.delete_failed": ("✗ Not deleted: {error}", "✗ حذف نہیں ہوا: {error}"),
}


def lang_of(value: Any) -> str:
    """The interface language for a value from the page ('ur', 'ur-PK', None...): 'ur' or 'en'."""
    return "ur" if str(value or "").lower().startswith("ur") else "en"


def t(key: str, lang: Any = "en", **values: Any) -> str:
    """The text of `key` in `lang` ('en' or 'ur'), with `{name}` filled from `values`."""
    english, urdu = STRINGS[key]
    text = urdu if lang_of(lang) == "ur" else english
    return text.format(**values) if values else text


def table(lang: str) -> dict[str, str]:
    """Every key in one language: what Gradio's i18n gets for that locale."""
    index = LANGUAGES.index(lang)
    return {key: pair[index] for key, pair in STRINGS.items()}


def gradio_i18n() -> Any:
    """The `gr.I18n` for `launch(i18n=...)`: English and Urdu (also for `ur-PK`)."""
    import gradio as gr

    return gr.I18n(en=table("en"), ur=table("ur"))


def label(key: str) -> Any:
    """A label Gradio translates in the browser (`gr.I18n` key); English when no i18n is given."""
    from gradio.i18n import I18nData

    return I18nData(key)
