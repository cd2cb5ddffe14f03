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

from rag import lang as languages

# The interface languages, in the order of the pairs below; the first is the
# one a page starts in, and the one of text made with no page at hand.
LANGUAGES = ("en", "ur")
DEFAULT_LANG = LANGUAGES[0]
DIRECTIONS = {code: languages.get(code).direction for code in LANGUAGES}

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
    "list.comma": (", ", "، "),  # between the items of a list
    "list.semicolon": ("; ", "؛ "),  # between the parts of one statement
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
    "toast.warning": ("Warning", "انتباہ"),
    "toast.error": ("Error", "خرابی"),
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
    # the chat's own sentences (made on the server, in the interface language)
    "chat.searching": ("Searching the article…", "مضمون میں تلاش ہو رہی ہے…"),
    "chat.first_read": (
        "The first question about an article takes about 30 s: the model reads it first.",
        "کسی مضمون پر پہلا سوال تقریباً 30 سیکنڈ لیتا ہے: ماڈل پہلے اسے پڑھتا ہے۔",
    ),
    "chat.found": ("Passages found; the answer is being written…", "متعلقہ جملے مل گئے؛ جواب لکھا جا رہا ہے…"),
    "chat.may_not_say": ("The article may not say this.", "ہو سکتا ہے مضمون میں یہ بات نہ ہو۔"),
    "chat.closest": ("Closest sentences:", "قریب ترین جملے:"),
    "chat.only_in": (
        "This article is only in {source}, and the model on this machine cannot answer from it in {language}. "
        "Ask in {source}, or read the closest sentences below.",
        "یہ مضمون صرف {source} میں ہے، اور اس مشین کا ماڈل اس سے {language} میں جواب نہیں لکھ سکتا۔ "
        "{source} میں پوچھیں، یا نیچے قریب ترین جملے دیکھیں۔",
    ),
    "chat.other_language": ("another language", "کسی اور زبان"),
    "chat.refused": ("Refused ({reason}).", "جواب نہیں دیا گیا ({reason})۔"),
    "chat.copy": ("Copy", "کاپی"),
    "chat.copy_title": ("Copy as plain text", "سادہ متن کے طور پر کاپی کریں"),
    "chat.copied": ("Copied", "کاپی ہو گیا"),
    "chat.copy_failed": ("Copy failed", "کاپی نہیں ہو سکا"),
    "chat.ask_next": ("Ask next:", "اگلا سوال:"),
    "chat.show_evidence": ("Show the evidence", "شواہد دکھائیں"),
    "chat.stopped": ("Stopped", "روک دیا گیا"),
    "chat.cleared": (
        "New conversation about “{title}”: the previous one was cleared because the article changed.",
        "«{title}» کے بارے میں نئی گفتگو: پچھلی گفتگو مٹا دی گئی کیونکہ مضمون بدل گیا۔",
    ),
    "chat.cleared_all": (
        "New conversation about all articles: the previous one was cleared because the article changed.",
        "تمام مضامین کے بارے میں نئی گفتگو: پچھلی گفتگو مٹا دی گئی کیونکہ مضمون بدل گیا۔",
    ),
    "chat.evidence_article": (
        "“{title}” ({language}), cited sentences highlighted",
        "«{title}» ({language})، حوالہ دیے گئے جملے نمایاں",
    ),
    "chat.edition": ("{language} edition", "{language} ایڈیشن"),
    "chat.no_passages": ("No passages cited for this answer.", "اس جواب میں کسی جملے کا حوالہ نہیں دیا گیا۔"),
    "chat.text_unreadable": ("Could not load the article text: {error}", "مضمون کا متن نہیں کھل سکا: {error}"),
    "chat.export_title": ("Khabar conversation", "خبر: گفتگو"),
    "chat.sources": ("Sources:", "ماخذ:"),
    "chat.source": ("{title}, {language}", "{title}، {language}"),
    "chat.source_at": ("{title}, {language}, characters {start}-{end}", "{title}، {language}، حروف {start} تا {end}"),
    # why an answer or a summary was refused (ui/render.py `reason_text`)
    "reason.not_in_article": ("Not in the article: the articles do not say this.", "یہ بات مضمون میں موجود نہیں۔"),
    "reason.unsafe": ("Declined: the request is unsafe.", "یہ درخواست غیر محفوظ ہے، اس لیے جواب نہیں دیا گیا۔"),
    "reason.cannot_read_source": (
        "The configured model cannot read the article's language.",
        "منتخب ماڈل اس مضمون کی زبان نہیں پڑھ سکتا۔",
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
    "summary.show_sentence": ("Show the sentence", "جملہ دکھائیں"),
    "summary.sources": ("Sources ({n})", "ماخذ ({n})"),
    "summary.agree": ("✓ The two summaries agree ({n} facts checked).", "✓ دونوں خلاصے متفق ہیں ({n} حقائق جانچے گئے)۔"),
    "summary.disagree": ("The two summaries disagree on {n} point(s):", "دونوں خلاصے {n} نکات پر مختلف ہیں:"),
    "summary.mismatch": (
        "{a} point {i} and {b} point {j} give different figures",
        "{a} کا نکتہ {i} اور {b} کا نکتہ {j} مختلف اعداد بتاتے ہیں",
    ),
    "summary.mismatch_only": ("only {language}: {figures}", "صرف {language}: {figures}"),
    "summary.method.extractive": ("extractive: the article's own sentences", "اقتباسی: مضمون کے اپنے جملے"),
    "summary.method.abstractive": ("abstractive: points written by the model", "تلخیصی: ماڈل کے لکھے ہوئے نکات"),
    "summary.ready": ("{language} summary ready.", "{language} خلاصہ تیار ہے۔"),
    "summary.ready_next": (
        "{done} summary ready; writing the {next} points…",
        "{done} خلاصہ تیار ہے؛ {next} نکات لکھے جا رہے ہیں…",
    ),
    "summary.writing": ("Writing the {language} points: {n} done…", "{language} نکات لکھے جا رہے ہیں: {n} مکمل…"),
    "summary.finished": ("Summaries ready.", "خلاصے تیار ہیں۔"),
    "summary.waited": ("{stage} ({seconds} s)", "{stage} ({seconds} سیکنڈ)"),
    "summary.failed": (
        "The summary could not be made ({error}); the server log has the details.",
        "خلاصہ نہیں بن سکا ({error})؛ تفصیل سرور کے لاگ میں ہے۔",
    ),
    # upload checks (ui/uploads.py); {name} is the file name as uploaded
    "upload.not_type": (
        "“{name}” is not a .txt or .md file: upload the article as UTF-8 plain text (.txt or .md).",
        "«{name}» ‎.txt یا ‎.md فائل نہیں: مضمون UTF-8 سادہ متن (‎.txt یا ‎.md) کی صورت میں اپ لوڈ کریں۔",
    ),
    "upload.too_big": (
        "“{name}” is {size} MB; the limit is 1 MB: split the article or upload only its text.",
        "«{name}» کا حجم {size} MB ہے جبکہ حد 1 MB ہے: مضمون کو تقسیم کریں یا صرف اس کا متن اپ لوڈ کریں۔",
    ),
    "upload.refused": ("“{name}” was refused: {error}", "«{name}» قبول نہیں کی گئی: {error}"),
    "upload.binary": (
        "“{name}” is a binary file, not text: save the article as UTF-8 plain text (.txt or .md).",
        "«{name}» متن نہیں بلکہ بائنری فائل ہے: مضمون کو UTF-8 سادہ متن (‎.txt یا ‎.md) کے طور پر محفوظ کریں۔",
    ),
    "upload.not_utf8": (
        "“{name}” is not UTF-8 (byte {byte} cannot be decoded): save it as UTF-8 and upload again.",
        "«{name}» UTF-8 میں نہیں (بائٹ {byte} پڑھی نہیں جا سکتی): اسے UTF-8 میں محفوظ کر کے دوبارہ اپ لوڈ کریں۔",
    ),
    "upload.empty": (
        "“{name}” is empty: upload a file with the article's text.",
        "«{name}» خالی ہے: مضمون کے متن والی فائل اپ لوڈ کریں۔",
    ),
    "upload.takeover": (
        "“{name}” has front matter `article: {article}`, an article that is already indexed ({where}). "
        "An upload cannot change an indexed article: give it a new id in its front matter "
        "(for example `article: {article}-2`) and upload it again. To replace the article on purpose, "
        "put the file in the articles folder and run `khabar index`.",
        "«{name}» کے سرنامے میں `article: {article}` درج ہے، جو پہلے سے انڈیکس شدہ مضمون ہے ({where})۔ "
        "اپ لوڈ کسی انڈیکس شدہ مضمون کو نہیں بدل سکتا: سرنامے میں نئی شناخت دیں "
        "(مثلاً `article: {article}-2`) اور دوبارہ اپ لوڈ کریں۔ مضمون جان بوجھ کر بدلنا ہو تو "
        "فائل مضامین کے فولڈر میں رکھیں اور `khabar index` چلائیں۔",
    ),
    "upload.from_file": ("{language} from {file}", "{language}: فائل {file}"),
    "upload.too_many": (
        "“{name}”: {n} uploads already use this name; rename the file.",
        "«{name}»: اس نام کی {n} فائلیں پہلے سے موجود ہیں؛ فائل کا نام بدلیں۔",
    ),
    "upload.outside": (
        "“{name}” would be saved outside the uploads folder; rename the file.",
        "«{name}» اپ لوڈز کے فولڈر سے باہر محفوظ ہو جاتی؛ فائل کا نام بدلیں۔",
    ),
    "articles.not_indexed": ("not indexed", "انڈیکس نہیں ہوا"),
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
    """The interface language for a value from the page (a code, a locale such
    as `ur-PK`, None...): one of LANGUAGES, DEFAULT_LANG for any other."""
    value = str(value or "").lower()
    return next((code for code in LANGUAGES if value.startswith(code)), DEFAULT_LANG)


def t(key: str, lang: Any = DEFAULT_LANG, **values: Any) -> str:
    """The text of `key` in interface language `lang` (see lang_of), with
    `{name}` filled from `values`."""
    text = STRINGS[key][LANGUAGES.index(lang_of(lang))]
    return text.format(**values) if values else text


def names_language(code: str) -> bool:
    """Whether the interface has a name for the content language `code`."""
    return f"lang.{code}" in STRINGS


def language_name(code: str, lang: Any = DEFAULT_LANG) -> str:
    """The name of the content language `code` in interface language `lang`
    ("Urdu", «اردو»); the code itself when the interface has no name for it."""
    return t(f"lang.{code}", lang) if names_language(code) else code


def table(lang: str) -> dict[str, str]:
    """Every key in one language: what Gradio's i18n gets for that locale."""
    index = LANGUAGES.index(lang)
    return {key: pair[index] for key, pair in STRINGS.items()}


def toast_css() -> str:
    """CSS that titles Gradio's toasts in Urdu on an Urdu page. Gradio 6 titles a toast with
    its level ("Warning"), whatever `title=` the server gives, and has no key for it in its
    i18n; the words still come from this table."""
    rules = []
    for code in LANGUAGES[1:]:  # Gradio's own title is in the first
        for level in ("warning", "error"):
            title = t(f"toast.{level}", code).replace("\\", "").replace('"', "")
            rules.append(
                f'html[lang="{code}"] .toast-title.{level} {{ font-size: 0; }}\n'
                f'html[lang="{code}"] .toast-title.{level}::before {{ content: "{title}"; font-size: var(--text-md, 14px); }}'
            )
    return "\n".join(rules) + "\n"


def gradio_i18n() -> Any:
    """The `gr.I18n` for `launch(i18n=...)`: English and Urdu (also for `ur-PK`)."""
    import gradio as gr

    return gr.I18n(**{code: table(code) for code in LANGUAGES})


def label(key: str) -> Any:
    """A label Gradio translates in the browser (`gr.I18n` key); English when no i18n is given."""
    from gradio.i18n import I18nData

    return I18nData(key)
