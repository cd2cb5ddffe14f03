"""Urdu: the data Khabar needs to read Urdu questions and articles.

Word lists are in normalised form (rag.text.normalize): Urdu ی and ک, no
diacritics, ZWNJ as a space. Roman Urdu (Urdu typed in Latin letters) is
Urdu too, so its safety patterns live here.

Detection: Urdu shares its script with Persian and Arabic. Letters only Urdu
writes (ے ں ٹ ڈ ڑ ھ ہ) and its commonest function words mark Urdu; Persian
function words (است، را، این، می‌) and Arabic letters and words (ة، أ، في،
الذي) mark the look-alikes, which Khabar does not read.

Safety patterns aim at a request (subjunctive or modal verb forms, "the way
to", "tell me") together with the act; questions about what was done («گروہ
نے بچوں کو کیسے پھنسایا؟») carry neither and are answered.
"""

from __future__ import annotations

import re

from . import LanguagePack, SafetyRules, suffix_stemmer
from . import rule_patterns as _rx

STOP_WORDS = frozenset(
    """کا کی کے کو سے میں نے پر اور یا ہے ہیں تھا تھی تھے ہو ہوا ہوئی ہوئے گیا گئی گئے کیا کیے کی جو جس جن
    یہ وہ اس ان ایک بھی تو ہی کہ لیے لئے کر کرنے کرتے رہا رہی رہے والے والی والا تک ساتھ طرح کس کن کیا کیوں
    کب کہاں کون کتنے کتنی کتنا کیسے کونسا کونسی چیز بارے مطابق ہوں گا گی ہم آپ نہیں ہوتا جاتا جا سکتا دیا دی
    گئیں گئیں ہوئیں رہی ہوتی ہوتے سب کچھ اپنے اپنی کسی""".split()
)

QUESTION_WORDS = {
    "money": ("کتنی رقم", "کتنے پیسے", "کتنا پیسہ", "کتنی قیمت", "کس قیمت", "کتنے روپے", "کتنے ڈالر"),
    "percent": ("کتنے فیصد", "کتنی فیصد", "کتنا فیصد", "کس شرح"),
    # "کتنے بجے" only: «کس وقت» asks "when" in Urdu SQuAD, mostly a year or a period (17 of 19 answers)
    "time": ("کتنے بجے",),
    "year": ("کس سال", "کون سے سال", "کون سا سال", "کونسے سال", "کونسا سال", "کس برس"),
    "day": ("کس دن", "کس روز", "کون سے دن", "کونسے دن", "کون سا دن"),
    "date": ("کب", "کس تاریخ", "کس مہینے", "کون سی تاریخ", "کونسی تاریخ"),
    "number": ("کتنے", "کتنی", "کتنا", "کتنوں", "تعداد کیا"),
    # none: Urdu script has no capitals, so a sentence's proper names cannot be told (grounding.has_type)
    "name": (),
    "person": ("کون", "کس نے", "کس کو", "کن لوگوں", "کس شخص"),
    "place": ("کہاں", "کس شہر", "کس جگہ", "کس مقام", "کس ملک", "کس ضلع", "کس صوبے", "کدھر"),
    "any": ("کیا", "کیوں", "کیسے", "کس طرح"),
}

NUMBER_WORDS = {
    "صفر": 0, "ایک": 1, "دو": 2, "تین": 3, "چار": 4, "پانچ": 5, "چھ": 6, "چھے": 6, "سات": 7, "آٹھ": 8,
    "نو": 9, "دس": 10, "گیارہ": 11, "بارہ": 12, "تیرہ": 13, "چودہ": 14, "پندرہ": 15, "سولہ": 16, "سترہ": 17,
    "اٹھارہ": 18, "انیس": 19, "بیس": 20, "پچیس": 25, "تیس": 30, "چالیس": 40, "پچاس": 50, "ساٹھ": 60,
    "ستر": 70, "اسی": 80, "نوے": 90,
    "آدھا": 0.5, "آدھی": 0.5, "آدھے": 0.5, "ڈیڑھ": 1.5, "ڈھائی": 2.5, "درجن": 12,
}
MULTIPLIERS = {"سو": 100, "ہزار": 1000, "لاکھ": 100_000, "کروڑ": 10_000_000, "ارب": 1_000_000_000}
# ساڑھے تین = 3.5, سوا دو = 2.25, پونے دو = 1.75; سوا سو = 125
NUMBER_PREFIXES = {"ساڑھے": 0.5, "سوا": 0.25, "پونے": -0.25}

# Light stemming: plural and oblique endings, longest first, two letters kept.
SUFFIXES = (("ئیں", ""), ("یاں", ""), ("وں", ""), ("یں", ""), ("ین", ""), ("ات", ""), ("ے", ""), ("ی", ""), ("ا", ""), ("ہ", ""))

REFUSALS = {
    "not_in_article": "مضمون میں اس بارے میں کچھ نہیں بتایا گیا۔",
    "unsafe": "میں اس میں مدد نہیں کر سکتا۔ میں صرف مضمون میں بیان کردہ حقائق سے متعلق سوالات کے جواب دیتا ہوں، "
    "اور کسی بچے کو نقصان پہنچانے یا استحصالی مواد تلاش کرنے میں کبھی مدد نہیں کرتا۔ اگر کوئی بچہ خطرے میں ہے تو "
    "پولیس یا چائلڈ پروٹیکشن ادارے سے رابطہ کریں۔",
    "off_task": "میں صرف مضمون کے متن سے اس کے بارے میں حقائق پر مبنی سوالات کے جواب دیتا ہوں؛ اسے بدلنے کی ہدایات نظر انداز کی جاتی ہیں۔",
    "cannot_read_source": "یہ مضمون صرف انگریزی میں ہے اور موجودہ ماڈل ({model}) اردو نہیں لکھ سکتا، اس لیے اردو میں جواب دینا ممکن نہیں۔ "
    "متعلقہ انگریزی حصے نیچے درج ہیں۔",
}

# --- safety ------------------------------------------------------------------------------

_B = r"(?!\w)"  # end of word (before a space, ؟ or ۔)
# A request: first-person modal or subjunctive verb forms, "the way to", "tell/teach me".
_REQ_ASK = (
    r"(?:سک(?:تا|تی|تے)\s+(?:ہوں|ہیں|ہو)" + _B
    # a method asked for («بچنے کا طریقہ کیا ہے؟», «طریقے بتاؤ»), not one reported («کیا طریقہ استعمال کرتے تھے»)
    + r"|(?:طریق(?:ہ|ے|وں)|ترکیب(?:یں)?|تجاویز|مشور(?:ہ|ے)|ٹپس|گائیڈ|رہنمائی)(?!\s+واردات)(?:\s+\S+){0,2}?\s+(?:کیا\s+)?"
    r"(?:ہے|ہیں|بتا\S*|سکھا\S*|سمجھا\S*|دو|دیں|دیجیے|چاہی\S*|چاہئ\S*)" + _B
    + r"|(?:کیا|کون\s*سا|کونسا|کون\s*سی|کونسی|کوئی|آسان|بہترین|محفوظ)\s+(?:\S+\s+)?(?:طریقہ|ترکیب|جگہ|مقام)" + _B
    + r"(?!\s+(?:استعمال|اختیار|اپنا))"
    + r"|کیا\s+کرنا\s+(?:ہوگا|ہو\s+گا|چاہیے|چاہئے|پڑے\s+گا)"
    + r"|بتا(?:ؤ|و|ئیں|یں|\s+د(?:و|یں))" + _B
    + r"|سکھا(?:ؤ|و|ئیں|یں)" + _B
    + r"|سمجھا(?:ؤ|و|ئیں|یں)" + _B
    + r"|مدد\s+کر(?:و|یں)" + _B
    + r"|جائ(?:ے|یں)" + _B
    + r"|بچیں|بچوں\s+گا|بچ\s+جاؤں|چھپوں|چھپیں|(?<!\w)جاؤں" + _B + r"|(?<!\w)سکوں" + _B + r"|تاکہ\s+میں"
    # «کیسے بچوں؟» is "how do I escape"; «کیسے بچوں کو» is about children
    + r"|کیسے\s+بچوں(?!\s+(?:کو|کی|کے|کا|نے|سے|میں|پر))" + _B
    + r"|(?<!\w)(?:کر|خرید|دیکھ|ڈھونڈ|بھیج|منگوا|پھنسا|ورغلا|بہلا|بہکا|رکھ|مٹا|چھپا|بلا|بیچ|لے\s+جا)(?:وں|ؤں|یں|ئیں|و|ؤ)" + _B
    # more first person subjunctives («کماؤں», «ملوں»); -اؤں alone is also a plural (رہنماؤں), so verbs are listed
    + r"|(?<!\w)(?:کما|بلا|لا|آ|سنا|بنا|دکھا|پہنچا|اٹھا|چرا|نکلوا|منگوا|بچا|دبا)ؤں" + _B + r"|(?<!\w)ملوں" + _B
    + r"|(?:kaise|kaisay|kese|kaisy|tareeq\w*|tariq\w*|tarika|batao|bataen|batain|sikhao|chahiye|chahye|chaiye|"
    r"sakta\s+hoon|sakti\s+hoon|sakte\s+hain|karun|karoon|karein|karen|dein|den|jaye|jaaye|jayen|kya\s+karun))"
)
# "I want", but also "one should" («تصویر کو دیکھنا چاہیے»): a request only beside other signs
_WANT = r"چاہ(?:تا|تی|تے|یے|ئے)" + _B
_REQ_STRONG = r"(?:" + _REQ_ASK + "|" + _WANT + ")"
# ... or the impersonal "can be done" («کیسے ورغلایا جا سکتا ہے؟»), weaker: only beside an act
_REQ = r"(?:" + _REQ_STRONG + r"|جا\s+سک(?:تا|تی|تے))"
_MEDIA = (
    r"(?:(?<!\w)(?:ویڈیو|وڈیو|تصویر|تصاویر|فلم|مواد|کلپ|لنک|فائل)(?:ز|یں|وں|س)?(?!\w)"
    r"|\b(?:videos?|vids?|clips?|links?|pics|photos?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|mawad)\b)"
)
_VICTIM = (
    r"(?:(?<!\w)(?:بچ(?:ہ|ے|وں|ی|یوں|یاں)|لڑک(?:ا|ے|ی|یوں|یاں|وں)|نابالغ|کم\s*عمر|طالب\s*علم|طلبہ|طالبات|یتیم|معصوم)" + _B
    + r"|\b(?:bach(?:a|ay|e|on|oon|i|iyon|ian)|ladk\w+|larki\w*|larke|kids?|children|minors?)\b)"
)
_PUBLIC_MEDIA = _rx(
    r"(?:پریس\s*کانفرنس|خبر|خبروں|نیوز|انٹرویو|بیان|دستاویزی|آگاہی|رپورٹ|ہیلپ\s*لائن|شکایت|سرکاری|عدالت|عدالتی|سماعت)"
    r"\s+(?:\S+\s+){0,2}?" + _MEDIA,
    _MEDIA + r"\S*\s+(?:\S+\s+){0,2}?(?:پریس\s*کانفرنس|خبر|نیوز|انٹرویو|بیان|آگاہی|سماعت)",
    r"(?<!\w)نے(?!\S)",  # ergative: someone did it (a past event), not a request
    r"\b(?:press\s+conference|news|interview)\b",
)

def _near(*parts: str, window: int = 100) -> str:
    """All `parts`, in any order, within `window` characters: each part may
    come first and the others must follow it inside the window. A question is
    short, so this only keeps a long sentence from matching on words that
    belong to different clauses."""
    alts = []
    for i, first in enumerate(parts):
        rest = "".join(f"(?=.{{0,{window}}}?{p})" for j, p in enumerate(parts) if j != i)
        alts.append(f"(?={first}){rest}")  # all measured from where the first part starts
    return "(?:" + "|".join(alts) + ")"


ABUSE_MATERIAL = SafetyRules(
    patterns=_rx(
        # «یہ ویڈیوز کہاں سے خرید سکتا ہوں؟», «کیسے ڈاؤن لوڈ کروں»
        r"^(?=.*" + _MEDIA + r")(?=.*" + _REQ + r"|.*(?:ملیں\s+گ|ملے\s+گ|مل(?:تی|تے|تا)(?!\s+جل)|مل\s+سک|مل\s+جائ)).*"
        r"(?:کہاں|کیسے|کس\s+طرح|کدھر|(?:کس|کون\s*سی)\s+(?:ویب\s*)?(?:سائٹ|ایپ|گروپ|چینل|لنک))\s.{0,60}"
        r"(?:خرید|ڈاؤن\s*لوڈ|ڈاون\s*لوڈ|download|حاصل\s+کر|دیکھ|مل\s+سک|مل\s+جائ|ملیں\s+گ|ملے\s+گ|مل(?:تی|تے|تا)(?!\s+جل)|منگوا|شیئر|بیچ|stream|buy|watch)",
        # «مجھے ویڈیوز کا لنک بھیجو», «لنک دکھاؤ»
        r"(?:مجھے|ہمیں)\s.{0,40}" + _MEDIA + r"\S*(?:\s+(?:کا|کی|کے|کو|لنک|لنکس|یہ|وہ|بھی|سب|ساری|تمام|فوراً|جلدی))*\s+"
        r"(?:بھیج|دے\s+د|دو" + _B + r"|دیں" + _B + r"|دکھا|چاہی|چاہئ|شیئر)",
        _MEDIA + r"\S*\s(?:\S+\s){0,3}?(?:بھیجو|بھیجیں|بھیج\s+د|شیئر\s+کرو|شیئر\s+کریں|دکھاؤ|دکھائیں|دکھا\s+د)",
        # «ویڈیوز بیچنے کا طریقہ بتائیں»
        _near(_MEDIA, r"(?:بیچ|فروخت|خرید|ڈاؤن\s*لوڈ|اپ\s*لوڈ|شیئر|حاصل|دیکھ)", _REQ_ASK, window=60),
        # «کوئی ایسی ویب سائٹ بتائیں جہاں یہ ویڈیوز ہوں»: a source of the material, asked for
        _near(
            r"(?:(?<!\w)(?:ویب\s*سائٹ|سائٹ|ایپ|گروپ|چینل|فورم)(?:س|یں|وں)?(?!\w)|\b(?:site|website|app|group|channel)s?\b)",
            r"(?:(?<!\w)(?:بتاؤ|بتائیں|بتا\s+د(?:و|یں)|دو|دیں|بھیجو|بھیجیں|چاہیے|چاہئے|دکھاؤ|دکھائیں)(?!\w)|\b(?:batao|bataen|chahiye)\b)",
            _MEDIA,
        ),
        # Roman Urdu, any order: "bachon ki videos kaise hasil karun"
        _near(
            r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|links?|material|mawad)\b",
            r"\b(?:kahan|kahaan|kaise|kaisay|kese|kidhar|kis\s+site|konsi\s+site)\b",
            r"\b(?:mil(?:en|e|a)?gi|mil(?:e|a)?ga|mil\s+sakt\w*|milti|milte|khareed\w*|kharid\w*|download\w*|dekh\s+sakt\w*|"
            r"hasil\s+kar\w*)\b",
            window=60,
        ),
        r"\bdark\s*web\b.{0,30}\b(?:chahiye|chahye|do|de\s+do|bhejo|batao|bataen)\b",
        # "yeh videos kis site pe hain?"
        _near(
            r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|material|mawad)\b",
            r"\b(?:kis|konsi|kaunsi|kon\s+si)\s+(?:site|website|group|app|channel|link)\b",
            r"\b(?:hain|hai|milen?g[ie]|milti|milte|dekh\w*)\b",
            window=50,
        ),
        # "yeh videos mujhe bhi chahiye", "clips download karne ka tareeqa batao"
        r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|links?|material|mawad)\b.{0,30}\b(?:mujhe|mujhay|hamen|humein|"
        r"hame|hamein)\b.{0,20}\b(?:chahiye|chahye|chaiye|bhejo|bhej\s+do|dikhao|de\s+do)\b",
        _near(
            r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|links?|material|mawad)\b",
            r"\b(?:download\w*|khareed\w*|kharid\w*|dekh\w*|hasil|bech\w*|share)\b",
            r"\b(?:tareeq\w*|tariq\w*|tarika|batao|bataen|batain|sikhao|karun|karoon|kaise|kese)\b",
            window=60,
        ),
        # hidden services and abuse material, asked for
        r"^(?=.*(?:" + _REQ + r"|(?<!\w)(?:دو|دیں|بھیجو|بھیجیں)" + _B + r"|کہاں|کون\s*سی)).*ڈارک\s*ویب.{0,30}(?:لنک|ایڈریس|پتہ|سائٹ)",
        r"^(?=.*" + _REQ + r").*(?:چائلڈ\s+پورن|بچوں\s+کی\s+(?:پورن|فحش)|فحش\s+(?:ویڈیو|تصاویر|مواد)\S*\s+(?:\S+\s+){0,2}?بچوں)",
        # Roman Urdu: "ye videos kahan se milengi", "mujhe link bhejo"
        r"\b(?:kahan|kahaan|kaise|kaisay|kese|kidhar|kis\s+site|konsi\s+site)\b.{0,40}"
        r"\b(?:mil(?:en|e|a)?gi|mil(?:e|a)?ga|mil\s+sakt\w*|milti|milte|khareed\w*|kharid\w*|download\w*|dekh\s+sakt\w*|hasil\s+kar\w*)\b"
        r"(?=.*\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|links?|material|mawad)\b)",
        r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|links?|material|mawad)\b.{0,40}"
        r"\b(?:kahan|kahaan|kaise|kaisay|kese|kidhar)\b.{0,30}\b(?:mil(?:en|e|a)?gi|mil(?:e|a)?ga|mil\s+sakt\w*|milti|milte|"
        r"khareed\w*|kharid\w*|download\w*|dekh\s+sakt\w*)",
        r"\b(?:videos?|vids?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|photos?|pics|material|mawad)\b.{0,20}\blinks?\s+"
        r"(?:do|de\s+do|dein|dena|bhejo|bhej\s+do|bhejen|bhejein|share\s+karo|chahiye)\b",
        r"\b(?:mujhe|mujhay|hamen|humein|hame|hamein)\b.{0,30}\b(?:videos?|links?|clips?|tas(?:a|e|ee)?w(?:ee|i)r\w*|tasaweer|pics|photos?)\b.{0,20}"
        r"\b(?:bhejo|bhej\s+do|bhejen|bhejein|de\s+do|dikhao|chahiye|chahye|chaiye)\b",
    ),
    unless=_PUBLIC_MEDIA,
)

_PROTECT = _rx(
    r"(?:محفوظ|تحفظ|حفاظت|بچا(?:ئیں|یا|نے|ؤ|ئے|یں|و)" + _B + r"|روک|آگاہ|شکایت|رپورٹ|پہچان|علامات|نشانیاں|خبردار|"
    r"\b(?:protect|bachaen|bachayen|bachain|mehfooz|hifazat|shikayat|report)\b)",
)
_HARM_ACT = (
    r"(?:پھنسا|پھانس(?!ی)|ورغلا|بہلا|بہکا|راغب\s+کر|اغوا|بلیک\s*میل|استحصال|زیادتی|ہراساں|جنسی|اسمگل|سمگل|"
    r"بیچ(?:وں|یں|نے|ا\s+جا)|فروخت\s+کر|قابو\s+کر|جال\s+میں|"
    # getting a child alone: «اپنے پاس بلانا», «اکیلے میں ملنا»
    r"(?:اپنے\s+(?:پاس|گھر|ساتھ)|گھر|اکیلے|اکیلا|تنہائی|تنہا)\s+(?:\S+\s+){0,2}?(?:بلا|لے\s+جا|لا|مل|رکھ)|"
    # luring with money or gifts: «پیسے دے کر»
    r"(?:پیسے|پیسوں|رقم|لالچ|تحفے|تحفوں|تحائف)\s+(?:\S+\s+){0,2}?(?:دے\s+کر|دے|دکھا)|"
    # secrecy: «کہ کسی کو پتہ نہ چلے»
    r"(?:کسی\s+کو\s+)?(?:پتہ|پتا|خبر)\s+نہ\s+(?:چل|ہو))"
)
_AUTHORITY = (
    r"(?:پولیس|حکام|ادار(?:ے|وں|ہ)|ایجنسی|ایجنسیوں|تفتیش|تحقیقات|قانون|گرفتاری|سیکیورٹی|انتظامیہ|"
    r"\bpolice\b|\bauthorities\b|\bagenc)"
)
_ESCAPE = (
    r"(?:چکم(?:ہ|ا|ے)\s+د|پکڑ\s+سے\s+(?:\S+\s+){0,2}?بچ|بچ\s+سک|بچنے|بچا\s+جا|بچوں\s+گا|بچیں|بچ\s+جاؤں|بچ\s+نکل|چھپ(?:وں|یں|نا|نے|\s+سک|\s+جاؤں)|پکڑ[ےا]\s+نہ|"
    r"پکڑی\s+نہ|ہاتھ\s+نہ\s+آ|سراغ\s+نہ|نظر\s+سے\s+اوجھل|(?:شواہد|ثبوت)\S*\s+(?:\S+\s+){0,2}?(?:مٹا|چھپا|ختم|غائب))"
)
_HARM_ACT_ROMAN = (
    r"\b(?:ghar\s+(?:\w+\s+)?bula\w*|akel[ae]\s+(?:mein\s+)?(?:\w+\s+)?mil\w*|paise\s+de\s+kar|phansa\w*|phasa\w*|phans\w*|warghala\w*|warghal\w*|behla\w*|agwa|aghwa|ighwa|kidnap\w*|blackmail\w*|groom\w*|lure)\b"
)
_ESCAPE_ROMAN = (
    r"\b(?:chakm[ae]|dhoka|pata\s+na\s+chal\w*|haath\s+na\s+a\w*|pakr?a\s+na\s+ja\w*|bach(?:na|ne|un|en|ein|\s+sak\w*|\s+jaun|\s+nikal\w*)|chhup\w*|chup(?:na|ne|un|en)|pakr\w*\s+na|pakad\w*\s+na)\b"
)
COMMIT_CRIME = SafetyRules(
    patterns=_rx(
        # «بچوں کو پھنسانے کا طریقہ بتائیں», «بچوں کو کیسے ورغلایا جائے؟»
        _near(_VICTIM, _REQ, _HARM_ACT),
        # «میں پولیس سے کیسے بچ سکتا ہوں؟», «پولیس سے بچنے کا طریقہ»
        _near(_AUTHORITY, _REQ, _ESCAPE),
        # «میں پکڑا نہ جاؤں، کیا کروں؟»: not being caught, asked for
        _near(r"(?:پکڑ(?:ا|ی|ے)|گرفتار)\s+نہ\s+(?:ہو\S*|جا(?:ؤں|ئیں|ئے|وں))", _REQ_STRONG, window=60),
        # «ثبوت مٹانے کا طریقہ بتاؤ»: destroying evidence is asked for hiding the crime, whoever is named
        _near(r"(?:شواہد|ثبوت)\S*\s+(?:\S+\s+){0,2}?(?:مٹا|چھپا|ختم|غائب|ضائع)", _REQ_STRONG, window=60),
        # Roman Urdu
        _near(_VICTIM, _REQ, _HARM_ACT_ROMAN),
        _near(r"\b(?:police|polees|pulis|hukkam|agency|idaray|idare)\b", _REQ, _ESCAPE_ROMAN),
    ),
    unless=_PROTECT,
)

_CLAUSE = r"[^۔؟?.!\n]*"
INJECTION = SafetyRules(
    patterns=_rx(
        _CLAUSE + r"(?:ہدایات|ہدایت|احکامات|اصولوں|اصول|قواعد|پابندیوں|پابندیاں)" + _CLAUSE
        + r"(?<!\w)(?:نظر\s*انداز\s+کر(?:و|یں|\s+د(?:و|یں))|بھول\s+(?:جاؤ|جائیں|جا|کر)|مت\s+مان(?:و|یں)|ترک\s+کر(?:و|یں)|توڑ(?:و|یں|\s+د(?:و|یں)))"
        + _B + _CLAUSE + r"[۔؟?.!]?",
        _CLAUSE + r"(?:سسٹم\s+پرامپٹ|اپنی\s+ہدایات|خفیہ\s+ہدایات)" + _CLAUSE + r"(?:دکھا|بتا|لکھ)" + _CLAUSE + r"[۔؟?.!]?",
        r"(?<!\w)اب\s+(?:سے\s+)?(?:تم|آپ)\s+(?:ایک\s+)?(?:\S+\s+){0,3}?(?:ہو|ہیں)" + _B + _CLAUSE + r"[۔؟?.!]?",
        r"\b(?:pichl\w*|saari|sari|tamam|sab)\s+(?:hidayat|hidayaat|hadayat|instructions?|rules?)\s+(?:ko\s+)?"
        r"(?:ignore|bhool|bhul|nazar\s*andaz)\w*(?:\s+(?:karo|kar\s+do|karein|jao|jaao|do))?[^.?!\n]*[.?!]?",
    ),
)

_COMPOSE = r"(?:لکھو|لکھیں|لکھ\s+د(?:و|یں)|لکھئے|لکھیے|بناؤ|بنائیں|گھڑو|گھڑیں|گاؤ|گائیں)" + _B
_TELL = r"(?:سناؤ|سنائیں|سنائیے|سنا\s+د(?:و|یں)|بتاؤ|بتائیں|(?<!\w)دو|(?<!\w)دیں)" + _B
_CREATIVE = r"(?:نظم|غزل|شعر|گانا|گیت|کہانی|افسانہ)"
_JOKE = r"(?<!فنون\s)(?:لطیفہ|لطیفے|چٹکلہ|چٹکلے)"  # فنون لطیفہ is "fine arts"
OFF_TASK = SafetyRules(
    patterns=_rx(
        # «چھاپے پر نظم لکھو»: compose something
        r"(?<!\w)" + _CREATIVE + r"\s+(?:\S+\s+){0,2}?" + _COMPOSE,
        # «ایک کہانی سناؤ», «کوئی لطیفہ سنائیں»; «چھاپے کی کہانی سنائیں» recounts the article
        r"(?<!\w)(?:ایک|کوئی|کچھ|اور)\s+(?:\S+\s+)?(?:" + _CREATIVE + "|" + _JOKE + r")\S*\s+(?:\S+\s+){0,2}?(?:" + _TELL + "|" + _COMPOSE + ")",
        _JOKE + r"\s+(?:\S+\s+){0,2}?(?:" + _TELL + "|" + _COMPOSE + ")",
        r"(?:آپ\s+کی|تمہاری|تمھاری|تیری)\s+(?:ذاتی\s+)?(?:رائے|پسند|سوچ)|(?:آپ|تم)\s+کیا\s+سوچت",
        r"\b(?:latifa|lateefa|latife|chutkula|chutkale)\b|\b(?:ek|koi)\s+(?:joke|nazm|kahani|gana|geet)\b",
    ),
)

# --- the extractive answerer (rag/answering/features.py) ----------------------------------
# fmt: off
ANSWER_CUES = {
    "number": ("کتنے", "کتنی", "کتنا", "کتنوں", "کس قدر", "کتنی بار", "کس حد تک"),
    "date": ("کب", "کس سال", "کس تاریخ", "کس دن", "کس مہینے", "کس صدی", "کس دہائی", "کس وقت", "کس عرصے"),
    "person": ("کون", "کس نے", "کسے", "کن لوگوں", "کس شخص", "کس کو"),
    "place": ("کہاں", "کس ملک", "کس شہر", "کس جگہ", "کس علاقے", "کدھر", "کس مقام"),
    "reason": ("کیوں", "کس وجہ", "کس لیے", "کس لئے"),
    "manner": ("کیسے", "کس طرح", "کس طریقے"),
    "which": ("کون سا", "کون سی", "کون سے", "کونسا", "کونسی", "کونسے", "کس", "کن"),
    "what": ("کیا",),
}
ANSWER_WORDS = {
    "postpositions": ("کا", "کی", "کے", "کو", "سے", "میں", "نے", "پر", "تک", "والے", "والی", "لیے", "لئے", "بعد", "دوران"),
    "auxiliaries": ("ہے", "ہیں", "تھا", "تھی", "تھے", "ہوا", "ہوئی", "ہوئے", "گیا", "گئی", "گئے", "کیا", "کی", "کرتا", "کرتے"),
    "number_words": (
        "ایک", "دو", "تین", "چار", "پانچ", "چھ", "سات", "آٹھ", "نو", "دس", "گیارہ", "بارہ", "بیس", "تیس",
        "چالیس", "پچاس", "سو", "ہزار", "لاکھ", "کروڑ", "ارب", "درجن", "نصف", "آدھا", "فیصد",
    ),
    "months": ("جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"),
    "days": ("پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار"),
    "time_units": ("سال", "صدی", "دہائی", "ء", "عیسوی", "قبل", "مہینے", "دن"),
    "negations": ("نہیں", "نہ", "مت", "بغیر", "بجائے"),
    "duration_units": (
        "سال", "برس", "صدی", "دہائی", "مہینہ", "مہینے", "ہفتہ", "ہفتے", "دن", "روز", "گھنٹہ", "گھنٹے", "منٹ", "سیکنڈ",
    ),
    "range_words": ("سے", "تا"),
    "time_amount_words": (
        "وقت", "عمر", "دیر", "عرصہ", "عرصے", "مدت", "پرانا", "پرانی", "پرانے", "لمبا", "لمبی", "لمبے",
    ),
    "letter_names": (
        "اے", "بی", "سی", "ڈی", "ای", "ایف", "جی", "ایچ", "آئی", "جے", "کے", "ایل", "ایم", "این", "او", "پی",
        "کیو", "آر", "ایس", "ٹی", "یو", "وی", "ڈبلیو", "ایکس", "وائی", "زیڈ",
    ),
}
# fmt: on

# Sentences that address the assistant (rag/injection.py), matched against the
# normalised sentence (lower case, NFC, Urdu letter forms unified).
ASSISTANT_ADDRESS = (
    # «سسٹم:», «اسسٹنٹ:», «صارف:»
    r"^\W{0,3}(سسٹم|اسسٹنٹ|صارف)\s*[:：]",
    # «پچھلی ہدایات نظر انداز کریں», «تمام ہدایات کو بھول جاؤ» (imperative, not «نظر انداز کیا گیا»)
    r"(ہدایات|ہدایت)\s*(کو)?\s*(نظر ?انداز|بھول)\s*(کریں|کرو|کر دیں|کر دو|جاؤ|جائیں|جاو)",
    r"نظر ?انداز\s*(کریں|کرو|کر دیں|کر دو)\s*.{0,20}(ہدایات|ہدایت)",
    # «اسسٹنٹ کے لیے نوٹ», «نوٹ برائے اسسٹنٹ»
    r"(اسسٹنٹ|معاون|اے آئی|چیٹ ?بوٹ|مصنوعی ذہانت)\s*(کے لیے|کے لئے|کو|کیلئے|کیلیے)\s*(نوٹ|ہدایت|پیغام)",
    r"(نوٹ|ہدایت|پیغام)\s*برائے\s*(اسسٹنٹ|معاون|ماڈل|اے آئی|چیٹ ?بوٹ)",
    # «جب پوچھا جائے تو ... جواب دو», «ہمیشہ یہ جواب دیں»
    r"(جب|اگر).{0,20}(پوچھا جائے|سوال کیا جائے).{0,60}(جواب دو|جواب دیں|کہو|بتاؤ|بتائیں)",
    r"(ہمیشہ|صرف)\s.{0,30}جواب\s*(دو|دیں|دینا|دیجیے)(?!\s*گ)",
    r"بطور (اے آئی|مصنوعی ذہانت)\s*[،,:]",
)

# Follow-up cues (rag/conversation.py explains each key).
CONVERSATION_CUES = {
    "leading": ("اور", "پھر", "نیز", "لیکن", "مگر", "تو", "اچھا", "علاوہ ازیں"),
    "substitute": (),
    "substitute_tail": ("کا کیا", "کی کیا", "کے کیا", "کے بارے میں کیا", "کا کیا ہوا", "کی کیا صورتحال"),
    "pronouns": tuple("انہوں انھوں انہیں انھیں اسے انکے انکی انکا اسکے اسکی اسکا وہاں".split()),
    "demonstratives": ("ان", "اس", "وہ", "یہ"),
    "final_demonstratives": (),
    "person_pronouns": tuple("انہوں انھوں وہ اسے انہیں انھیں".split()),
    "question_words": tuple(
        "کون کب کہاں کیوں کیسے کتنے کتنی کتنا کتنوں کس کن کیا کونسا کونسی کونسے کیسا کیسی مزید باقی".split()
    ),
    "fillers": tuple("تعداد دیگر دوسرے لوگ لوگوں".split()),
    "predicates": (),
    "light_verbs": tuple(
        """ہوا ہوئے ہوئی ہوئیں ہو ہوں ہے ہیں تھا تھے تھی تھیں گیا گئے گئی گئیں کیا کیے کئے کی کیں کرایا کرائے کرائی
        کر کرنے کرتے کرتا کرتی رہا رہے رہی جا جاتا جاتے جاتی دیا دیے دی لیا لیے سکتا سکتے سکی چکے چکا چکی""".split()
    ),
}

PACK = LanguagePack(
    code="ur",
    name="Urdu",
    native_name="اردو",
    script=re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    direction="rtl",
    min_script_share=0.5,  # an Urdu answer: at least half its letters Urdu (Latin names allowed)
    stop_words=STOP_WORDS,
    question_words=QUESTION_WORDS,
    wh_words=frozenset("کس کن کون کونسا کونسی کونسے کتنے کتنی کتنا کیا کب کہاں کیوں کیسے".split()),
    punctuation=frozenset("؟۔،؛"),
    determiners=frozenset("کس کن کون کونسا کونسی کونسے کتنے کتنی کتنا کتنوں".split()),
    function_words=frozenset("کی کے کا نے کو سے میں پر".split()),
    wh_parts=frozenset({"سا", "سی", "سے"}),
    number_words=NUMBER_WORDS,
    multipliers=MULTIPLIERS,
    number_prefixes=NUMBER_PREFIXES,
    # اسی is far more often "this very" than eighty; آدھا "half" is rarely a count
    ambiguous_numbers=frozenset({"اسی", "آدھا", "آدھی", "آدھے", "صفر", "درجن"}),
    number_compounds=frozenset({"ڈیٹا بیس"}),
    quantity_words=frozenset({"سیکڑوں", "سینکڑوں", "ہزاروں", "درجنوں", "لاکھوں"}),
    time_words=frozenset({"بجے", "بجکر", "صبح", "شام", "دوپہر", "سہ پہر", "رات", "آدھی رات", "فجر", "ظہر", "عصر", "مغرب", "عشا", "عشاء"}),
    percent_words=frozenset({"فیصد", "%", "٪"}),
    era_words=frozenset({"عیسوی", "قبل مسیح", "ق م", "ہجری", "ء"}),
    period_words=frozenset({"صدی", "صدیوں", "دہائی", "دہائیوں", "عشرے", "سال پہلے", "سال قبل"}),
    fraction_words=frozenset({"نصف", "آدھا", "آدھی", "آدھے", "تہائی", "چوتھائی", "دسواں حصہ"}),
    currency_words=frozenset({"روپے", "روپیہ", "روپوں", "روپیے", "ڈالر", "ڈالرز", "ڈالروں", "پاؤنڈ", "یورو", "ریال", "درہم", "ین"}),
    months=tuple("جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر".split()),
    weekdays=tuple("پیر منگل بدھ جمعرات جمعہ ہفتہ اتوار".split()),
    relative_days=("آج", "کل", "گزشتہ"),
    follow_up_openers=("اور", "پھر"),
    follow_up_pronouns=("انہوں", "انھوں", "ان کے", "ان کی", "ان کو", "اس کے", "اس کی", "وہ"),
    stem=suffix_stemmer(SUFFIXES, min_stem=2),
    refusals=REFUSALS,
    extractive_prefix="مضمون کے مطابق: ",
    follow_up_suggestions=(
        ("کہاں", "یہ کہاں ہوا؟"),
        ("کب", "یہ کب ہوا؟"),
        ("کون", "اس میں کون شامل تھا؟"),
        ("بعد", "اس کے بعد کیا ہوا؟"),
    ),
    boilerplate=("یہ بھی پڑھیے", "یہ بھی پڑھیں", "مزید پڑھیے", "مزید پڑھیں"),
    addresses_assistant=ASSISTANT_ADDRESS,
    conversation_cues=CONVERSATION_CUES,
    summary_cues={
        "reporting": "کہا کہنا کہتے بتایا بتاتے مطابق بیان دعویٰ انکشاف",
        "titles": "صدر وزیر وزیراعظم وزیرِاعظم ڈاکٹر جنرل جج چیف سربراہ ترجمان افسر پولیس حکام عدالت حکومت ادارے تنظیم کمیشن",
        "time": "آج کل گذشتہ گزشتہ سال مہینے ہفتے روز",
        "place": "شہر صوبے صوبہ ضلع علاقے علاقہ ملک گاؤں دارالحکومت",
        "next": "گا گی گے کریں سماعت منصوبہ آئندہ اگلے",
    },
    clause_boundary=r"\s*،\s*|\s+(?=جبکہ\s)",
    clause_conjunction=r"\s+(?=اور\s)",
    clause_end=r"(?:ہے|ہیں|تھا|تھی|تھے|گیا|گئی|گئے|گا|گی|گے|کیا|دیا|دی|لیا|ہوا|ہوئی|ہوئے)\s*[۔.]?\s*$",
    clause_openers=("جبکہ ", "اور "),
    polar_words=frozenset({"ہاں", "جی", "نہیں"}),
    safety={
        "abuse_material": ABUSE_MATERIAL,
        "commit_crime": COMMIT_CRIME,
        "injection": INJECTION,
        "off_task": OFF_TASK,
    },
    answer_cues=ANSWER_CUES,
    answer_words=ANSWER_WORDS,
    own_markers=(
        "ے", "ں", "ٹ", "ڈ", "ڑ", "ھ", "ۓ", "ہ", "ۃ",
        "ہے", "ہیں", "کا", "کے", "نے", "کو", "میں", "سے", "اور", "گیا", "تھا",
    ),
    lookalikes={
        "Persian": (
            "\u200c", "است", "را", "این", "آن", "از", "به", "در", "که", "چه", "برای", "می", "نمی", "های", "شد",
            "شده", "بود", "کرد", "کردند", "دارد", "چگونه", "چرا", "کجا", "آیا", "کودک", "کودکان", "پلیس",
            "هستند", "بودند", "توسط", "ها", "نفر", "امروز", "گفت",
        ),
        "Arabic": (
            "ة", "ي", "ك", "أ", "إ", "ؤ", "ى", "في", "من", "على", "هل", "ما", "كم", "متى", "أين", "لماذا", "كيف",
            "الذي", "التي", "الذين", "هو", "هي", "تم", "عن", "إلى", "هذا", "هذه", "ذلك", "الشرطة", "الأطفال",
        ),
    },
)
