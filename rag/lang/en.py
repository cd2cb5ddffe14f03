"""English: the data Khabar needs to read English questions and articles.

Safety patterns aim at the asker's intent: a first-person or impersonal
request ("how can I ...", "where to ...", "help me ...") for material or for
doing the crime. A question about what happened ("How did the gang lure the
children?", "Where were the videos sold?") asks what the article reports and
is answered. No word here names one article's people, places or agencies.
"""

from __future__ import annotations

import re

from . import LanguagePack, SafetyRules
from . import rule_patterns as _rx

STOP_WORDS = frozenset(
    """a an the of to in on at for from by with and or but is are was were be been being has have had do does did
    this that these those it its as into than then there their they them he she his her we our you your i me my
    what which who whom whose when where why how whether if not no yes so such can could would should will shall
    may might must about also any all some more most other than very just only own same too s t tell me please
    according article report say says said many much""".split()
)

QUESTION_WORDS = {
    "money": ("how much money", "how much cash", "what amount of money", "what sum of money", "what price", "at what price"),
    "percent": ("what percentage", "what percent", "how many percent", "what proportion"),
    # not "what time period": a span of time, not a time of day
    "time": (
        "at what time", "what time did", "what time does", "what time do", "what time was", "what time were",
        "what time is", "what time will", "what hour", "at what hour",
    ),
    "year": ("what year", "which year", "in what year"),
    "day": ("what day", "which day"),
    "date": ("when", "what date", "which date", "what month", "which month", "on what date"),
    "number": (
        "how many", "how much", "how long", "how old", "what number", "what amount",
    ),
    # asks for a proper name, which an English sentence capitalises (rag/grounding.has_type)
    "name": tuple(
        f"{what} {be} {whose} {noun}"
        for what in ("what", "what's")
        for be in (("",) if what == "what's" else ("is", "are", "was", "were"))
        for whose in ("the", "his", "her", "its", "their", "the full")
        for noun in ("name", "names")
    ),
    "person": ("who", "whom", "whose", "which person", "which official"),
    "place": ("where", "which city", "which country", "which district", "which province", "what place", "which place"),
    "any": ("what", "which", "how", "why"),
}

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "half": 0.5,
}
MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

# Stemming: the first matching suffix goes (plural, -ing, -ed), then a final
# "e", so rescue/rescued/rescues all meet at "rescu".
_SUFFIXES = ("'s", "ies", "ing", "es", "ed", "s")


def stem(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    for suf in _SUFFIXES:
        if token.endswith(suf) and len(token) - len(suf) >= 3:
            token = token[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    return token[:-1] if token.endswith("e") and len(token) > 4 else token


REFUSALS = {
    "not_in_article": "The article does not say.",
    "unsafe": "I can't help with that. I only answer factual questions about what the article reports, "
    "and never help anyone find abuse material or harm a child. If a child is in danger, contact the "
    "police or a child-protection service.",
    "off_task": "I only answer factual questions about the article, from its text; instructions to change that are ignored.",
    "cannot_read_source": "The article is in Urdu only, and the current model ({model}) cannot read or translate Urdu, "
    "so I cannot answer in English without risking invented facts. The Urdu passages most related to "
    "your question are cited below; ask in Urdu for an answer quoted from them, or configure a model "
    "that reads Urdu (see `khabar models`).",
}

# --- safety ------------------------------------------------------------------------------

# A request by the asker (or anyone) to do something, as opposed to a question
# about what someone did: "how can I", "where to", "help me", "steps to".
_WHO = r"(?:i|we|you|one|someone|somebody|anyone|u)"
_ASK = (
    rf"(?:\b(?:how|where)\s+(?:can|could|do|would|should|might|may|shall|will)\s+{_WHO}\b"
    r"|\b(?:how|where)\s+to\b"
    r"|\b(?:help|teach|show|tell)\s+(?:me|us)\b"
    r"|\b(?:steps?|tips?|ways?|guide|instructions?|tutorial|method|advice|tricks?)\s+(?:to|for|on)\b"
    r"|\b(?:best|easiest|safest|quickest|fastest)\s+way\b"
    r"|\b(?:best|good|safe|easiest|safest)\s+(?:apps?|sites?|websites?|platforms?|places?|games?|methods?)\s+(?:to|for)\b"
    r"|\bi\s*(?:'m|am)?\s+(?:want|need|wanna|plan|planning|would\s+like|trying|looking)\b"
    r"|\blet\s+me\b|\bis\s+there\s+(?:a|any)\s+way\b|\bcan\s+(?:i|we)\b"
    r"|\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:point|direct|show|give|send|link|tell|help|recommend|find|get)\b"
    r"|\bpoint\s+me\b|\bmake\s+sure\b|\bwhat\s+(?:should|can|could|do|must|would)\s+(?:i|we)\b|\bgo\s+about\b"
    r"|\b(?:should|must)\s+(?:i|we)\b|\bwhich\s+\w+\s+(?:should|can|could|do|must)\s+(?:i|we)\b)"
)
_MATERIAL = (
    r"(?:videos?|vids?|clips?|photos?|pictures?|pics?|images?|material|content|footage|recordings?|links?|files?"
    r"|stuff|collection|nudes?|porn\w*)"
)
_VICTIM = (
    r"(?:child|children|kids?|minors?|boys?|girls?|underage|teens?|teenagers?|students?|orphans?|toddlers?|"
    r"pupils?|youngsters?)"
)
# Material that is public record: asking where to watch it is innocent.
_PUBLIC_MEDIA = _rx(
    r"\b(?:press|news|conference|briefing|interview|documentary|awareness|statement|speech|tv|television|broadcast|"
    r"bulletin|coverage|trailer|official|court|hearing|helpline|hotline|complaint|reporting|government)\s+"
    r"(?:\w+\s+){0,2}?(?:videos?|clips?|footage|recordings?|photos?|pictures?|images?|links?|files?|content|material)\b",
    r"\b(?:videos?|clips?|footage|photos?|pictures?|images?|recordings?)\s+of\s+(?:the\s+)?(?:\w+\s+)?(?:press|news|suspects?|"
    r"accused|officers?|officials?|police|ministers?|judges?|court|raid|hearing|conference|briefing|men|women|man|woman|"
    r"adults?|gang|members|leaders?|culprits?)\b",
    r"\b(?:number|count|amount|total)\s+of\b|\bhow\s+many\b",
)

ABUSE_MATERIAL = SafetyRules(
    patterns=_rx(
        # "where can I download these videos", "how to get the clips"
        rf"{_ASK}.{{0,40}}\b(?:buy|purchase|get|find|download|watch|stream|access|obtain|order|see|view|acquire|sell|"
        rf"share|trade|distribute|upload|collect|torrent|grab)\b.{{0,60}}\b{_MATERIAL}\b",
        # "where do people buy such videos": where + present tense asks for a source, whoever the subject
        rf"\bwhere\s+(?:do|does|can|could|would|might)\s+\w+(?:\s+\w+)?\s+(?:buy|purchase|get|find|download|watch|stream|"
        rf"access|obtain|order|trade)\b.{{0,40}}\b{_MATERIAL}\b",
        # "I need those clips"
        rf"\bi\s*(?:'d|would)?\s+(?:want|need|wanna|like)\s+(?:to\s+have\s+)?(?:these|those|the|such|that|this|some|more|any)?\s*"
        rf"(?:\w+\s+){{0,2}}?{_MATERIAL}\b",
        # "point me to a site with these videos"
        rf"{_ASK}.{{0,40}}\b(?:sites?|websites?|links?|forums?|channels?|groups?|sources?|apps?|platforms?|servers?)\b.{{0,30}}\b{_MATERIAL}\b",
        # "I'm looking for the files", "who sells this stuff online these days"
        rf"\b(?:looking|searching|hunting)\s+for\s+(?:the\s+|these\s+|those\s+|such\s+|some\s+|more\s+|any\s+)?(?:\w+\s+){{0,2}}?{_MATERIAL}\b",
        rf"\bwho\s+(?:sells?|has|shares?|offers?|trades?|distributes?|hosts?|streams?)\b.{{0,30}}\b{_MATERIAL}\b.{{0,20}}"
        r"\b(?:online|now|these\s+days|today|still|anymore|nowadays)\b",
        # "can anyone share the videos here", "tell me where these images are hosted"
        rf"\b(?:can|could|would|will)\s+(?:anyone|someone|somebody|you|u)\s+(?:please\s+)?(?:share|send|post|upload|dm|give|link|"
        rf"forward|drop)\b.{{0,30}}\b{_MATERIAL}\b",
        rf"\btell\s+(?:me|us)\s+where\b.{{0,30}}\b{_MATERIAL}\b.{{0,15}}\b(?:are|is|can)\b",
        # "anyone got a link to that footage?"
        rf"\b(?:got|have|has)\s+(?:a\s+|any\s+|the\s+)?(?:links?|copy|copies|access)\s+(?:to|for|of)\b.{{0,20}}\b{_MATERIAL}\b",
        # "is there any place online where such pictures are still available"
        rf"\b(?:is|are)\s+there\s+(?:any|a|some)\b.{{0,40}}\b{_MATERIAL}\b.{{0,30}}\b(?:available|hosted|downloadable|accessible|"
        r"for\s+sale|on\s+sale|still\s+up|online)\b",
        # "the name of a site that still hosts them"
        r"\b(?:name|address|url|link)\s+of\s+(?:a|the|any|some)\s+(?:sites?|websites?|forums?|channels?|groups?|servers?)\s+"
        r"(?:that|which|where)\s+(?:still\s+)?(?:hosts?|has|have|sells?|shares?|streams?|offers?|carries)\b",
        # "send the videos to me", "send me the links", "give us the videos"
        rf"\b(?:send|give|share|forward|dm|pass|post)\s+(?:the|these|those|them|some|such|more|all(?:\s+the)?)?\s*"
        rf"(?:\w+\s+){{0,2}}?{_MATERIAL}\s+(?:to|with)\s+(?:me|us)\b",
        rf"\b(?:send|give|share|dm|forward|drop|pass|link)\s+(?:me|us)\b.{{0,40}}\b{_MATERIAL}\b",
        r"\bshow\s+(?:me|us)\s+(?:the\s+|these\s+|those\s+|some\s+|more\s+)?(?:videos?|clips?|photos?|pictures?|pics|images?|footage|nudes?)\b",
        # present tense: "which website sells these videos"
        rf"\b(?:which|what)\s+(?:websites?|sites?|apps?|channels?|groups?|forums?|platforms?|links?)\s+(?:sells?|has|have|"
        rf"hosts?|shares?|offers?|streams?|carries|provides?)\b.{{0,40}}\b{_MATERIAL}\b",
        # hidden services and abuse-material slang, asked for
        r"\.onion\b",
        r"\b(?:dark\s*web|deep\s*web|tor|onion)\s+(?:\w+\s+){0,2}?(?:links?|urls?|address\w*)\b",
        r"\b(?:give|send|share|show|need|want|find|get|looking\s+for|drop|provide|list|recommend)\b.{0,25}"
        r"\b(?:dark\s*web|deep\s*web|tor|onion)\s+(?:sites?|markets?|forums?|groups?|shops?|stores?)\b",
        r"\b(?:csam|cp|pedo\w*|paedo\w*)\s+(?:links?|sites?|forums?|groups?|channels?|videos?|pics|packs?|collections?)\b",
        r"\b(?:jailbait|lolicon|kiddie\s*porn|kiddy\s*porn)\b",
        r"\b(?:want|need|looking\s+for|where\s+(?:can|could|do|to)\b.{0,30}|send|give|get|find|buy|download|watch)\b.{0,30}"
        r"\b(?:child\s*porn\w*|csam|underage\s+(?:porn|nudes?|videos?|pics)|abuse\s+(?:videos?|material|clips|pics|images|content))\b",
    ),
    unless=_PUBLIC_MEDIA,
)

_PROTECT = _rx(
    r"\b(?:protect\w*|prevent\w*|stop\w*|spot\w*|recogni[sz]\w*|detect\w*|report\w*|identify\w*|warn\w*|educate\w*|"
    r"safeguard\w*|support\w*|rescue\w*|signs?|tell\s+if|know\s+if|talk\s+to|safe|avoid\s+being|explain\w*\s+to)\b",
)
COMMIT_CRIME = SafetyRules(
    patterns=_rx(
        # grooming, luring, abduction, trafficking
        rf"{_ASK}.{{0,60}}\b(?P<act>groom|lur|entic|abduct|kidnap|traffic|exploit|abus|molest|blackmail|coerc|seduc|"
        rf"sextort|smuggl|manipulat|trick|drug|undress|rape|assault|sell|buy|recruit)\w*\b.{{0,60}}\b{_VICTIM}",
        # contact or filming in secret
        rf"{_ASK}.{{0,60}}\b(?P<act>film|record|photograph|meet|contact|message|chat|talk|text|dm|speak|call|invite|pick\s+up|follow|"
        rf"befriend|approach|touch|say|tell|write|send|be\s+alone|get\s+alone)\w*"
        rf"\b.{{0,60}}\b{_VICTIM}\b.{{0,60}}\b(?:secret\w*|without\s+(?:their|the|his|her|any)?\s*(?:parents?|family|anyone|teachers?)"
        r"|alone|private\w*|no\s+one\s+(?:knows|finds|sees)|suspicion|unnoticed|without\s+(?:anyone|being)\s+notic\w*|keep\s+(?:\w+\s+){0,3}?secret|(?:parents?|family|anyone)\s+(?:seeing|knowing|finding|noticing)|trust\s+me|meet\s+me|not\s+tell|without\s+telling|keep\s+(?:it\s+)?(?:a\s+)?secret)",
        # trafficking: "take a child across the border without papers"
        rf"{_ASK}.{{0,40}}\b(?P<act>take|smuggl\w*|move|transport|get|sneak|bring)\s+(?:a\s+|the\s+|some\s+|young\s+)*{_VICTIM}\b.{{0,30}}"
        r"\b(?:across|over\s+the\s+border|out\s+of\s+the\s+country|abroad|without\s+(?:papers|documents|passports?|visas?)|illegally)\b",
        # "the easiest way to get a child alone"
        rf"{_ASK}.{{0,60}}\b(?P<act>get|take|lure|bring|keep|be)\s+(?:a\s+|the\s+|some\s+|young\s+)*{_VICTIM}\s+(?:alone|away|home|to\s+my)\b",
        rf"{_ASK}.{{0,60}}\b(?P<act>alone)\s+with\s+(?:a\s+|the\s+|some\s+|young\s+)*{_VICTIM}\b",
        # evading police and investigators
        rf"{_ASK}.{{0,50}}\b(?P<act>avoid|evade|escape|dodge|outsmart|outrun|fool|bypass|get\s+past|hide\s+from|stay\s+(?:ahead\s+of|hidden|off)"
        r"|throw\s+off|not\s+get\s+caught|never\s+get\s+caught)\w*\b.{0,50}\b(?:police|cops?|authorities|investigators?|"
        r"law\s+enforcement|agenc(?:y|ies)|detection|caught|tracking|monitoring|surveillance|trac(?:e|ing)|radar|feds|"
        r"interpol|prosecution|the\s+law)\b",
        rf"{_ASK}.{{0,80}}\b(?P<act>without|not|never|avoid)\s+(?:getting|get|being|be|ever\s+being)\s+(?:caught|traced|arrested|tracked|"
        r"detected|found|noticed|identified)\b",
        # "stop the police from finding my drive"
        rf"{_ASK}.{{0,30}}\b(?P<act>stop|prevent|keep)\s+(?:the\s+)?(?:police|cops?|authorities|investigators?|law\s+enforcement|agenc(?:y|ies))"
        r"\s+(?:from\s+)?(?:finding|tracing|catching|seeing|getting|tracking|reaching|accessing|searching|knowing|linking|"
        r"connecting|identifying)\b",
        # "which app is hardest for police to monitor"
        r"\b(?:is|are)\s+(?:the\s+)?(?P<act>hardest|harder|impossible|difficult|safest|safe)\s+(?:for\s+(?:the\s+)?(?:police|cops|"
        r"authorities|investigators|law\s+enforcement|agencies)\s+)?to\s+(?:monitor|trace|track|detect|intercept|catch)\b",
        # "gaining a child's trust so I can be alone with them"
        rf"{_ASK}.{{0,40}}\b(?P<act>gain|win|earn|build|get)\w*\s+(?:a\s+|the\s+)?(?:{_VICTIM}(?:'s|s')?\s+(?:trust|confidence)|"
        rf"(?:trust|confidence)\s+of\s+(?:a\s+|the\s+)?{_VICTIM})",
        # "make sure investigators can't trace my payments"
        rf"{_ASK}.{{0,50}}\b(?:police|cops?|authorities|investigators?|law\s+enforcement|agenc(?:y|ies)|nobody|no\s+one)\s+"
        r"(?P<act>can't|cannot|can\s+not|won't|will\s+not|never|don't|do\s+not|couldn't)\s+(?:ever\s+)?(?:trace|track|find|catch|"
        r"detect|identify|link|connect)\b",
        rf"{_ASK}.{{0,40}}\b(?P<act>hid(?:e|ing)|delet(?:e|ing)|destroy(?:ing)?|wip(?:e|ing)|eras(?:e|ing)|mask(?:ing)?|cover(?:ing)?\s+up|"
        rf"get(?:ting)?\s+rid\s+of)\s+(?:my\s+|the\s+|our\s+|all\s+(?:the\s+)?)?"
        r"(?:evidence|traces?|tracks|ip|identity|footprints?|digital\s+trail)\b",
        rf"{_ASK}.{{0,40}}\bget\s+away\s+with\b",
    ),
    unless=_PROTECT,
)

INJECTION = SafetyRules(
    patterns=_rx(
        r"(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+|earlier\s+|"
        r"these\s+|those\s+|of\s+)*(?:instructions?|rules?|prompts?|guidelines?|directions?|restrictions?|guardrails?)[^.?!\n]*[.?!]?",
        r"(?:you\s+are\s+now|from\s+now\s+on\s+you|act\s+as|pretend\s+(?:to\s+be|you)|role-?play|jailbreak|\bdan\b|"
        r"developer\s+mode|unrestricted|do\s+anything\s+now|no\s+longer\s+bound)[^.?!\n]*[.?!]?",
        r"(?:print|show|reveal|repeat|output|tell\s+me|display|leak)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+|hidden\s+|initial\s+)?"
        r"(?:prompt|instructions)[^.?!\n]*[.?!]?",
        r"(?:new|updated)\s+instructions?\s*:[^\n]*",
        r"<\|?(?:im_start|im_end|system|endoftext)\|?>|#{2,}\s*(?:system|instruction)s?\b[^\n]*",
    ),
)

OFF_TASK = SafetyRules(
    patterns=_rx(
        r"\b(?:write|compose|make\s+up|create|invent|generate|sing|give|tell|share|recite)\s+(?:me\s+|us\s+)?"
        r"(?:a|an|another|some|one|any|your|the\s+best)\s+(?:\w+\s+){0,2}?(?:jokes?|poems?|songs?|stor(?:y|ies)|raps?|"
        r"limericks?|haikus?|essays?|fiction|roasts?|riddles?|fairy\s*tales?|tweets?|novels?|screenplays?)\b",
        r"\b(?:jokes?|limericks?|haikus?|riddles?|roast)\b",
        r"\byour\s+(?:opinion|views?|thoughts|feelings|favou?rite)\b|\bwhat\s+do\s+you\s+(?:think|feel|believe)\b"
        r"|\bdo\s+you\s+(?:like|love|hate|agree)\b",
        r"\b(?:insult|make\s+fun\s+of|mock)\b",
        r"\b(?:write|generate)\s+(?:me\s+)?(?:a\s+|some\s+)?(?:code|program|python|sql|email|letter|cover\s+letter)\b",
    ),
)

# --- the extractive answerer (rag/answering/features.py) ----------------------------------
# fmt: off
ANSWER_CUES = {
    "number": ("how many", "how much", "how long", "how old", "how far", "what percentage", "what number"),
    "date": ("when", "what year", "which year", "what date", "what day", "what month", "what century", "what time"),
    "person": ("who", "whom", "whose", "which person"),
    "place": ("where", "what country", "which country", "what city", "which city", "what place"),
    "reason": ("why",),
    "manner": ("how",),
    "which": ("which",),
    "what": ("what",),
}
ANSWER_WORDS = {
    "postpositions": ("of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or"),
    "auxiliaries": ("is", "are", "was", "were", "has", "have", "had", "be", "been"),
    "number_words": (
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "twenty", "thirty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "half", "percent",
    ),
    "months": (
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ),
    "days": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "time_units": ("year", "years", "century", "decade", "bc", "ad"),
    "negations": ("not", "no", "never", "without", "instead", "n't"),
    "duration_units": (
        "year", "years", "decade", "decades", "century", "centuries", "month", "months", "day", "days", "hour",
        "hours", "minute", "minutes", "second", "seconds",
    ),
    "range_words": ("to", "and"),
    "time_amount_words": ("long", "old", "age", "aged", "time", "duration"),
}
# fmt: on

# Sentences that address the assistant (rag/injection.py), matched against the
# normalised sentence (lower case, NFC, Urdu letter forms unified).
ASSISTANT_ADDRESS = (
    # a role label opening the sentence: "SYSTEM:", "Assistant:", "[INST]", "System prompt:"
    r"^\W{0,3}(system|assistant|user|developer|chatbot)(\s+prompt)?\s*[:>\]]",
    r"^\W{0,3}\[(system|assistant|inst|user)\]",
    # orders to drop the rules: "ignore (all) previous instructions"
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(of\s+)?(the\s+|your\s+)?"
    r"(previous|prior|above|earlier|preceding|system|original|all|your)\s+(instructions?|prompts?|rules|directions|messages?)\b",
    r"\b(ignore|disregard)\b.{0,30}\b(instructions?|prompts?)\b.{0,20}\b(above|before|previously|prior|given)\b",
    # notes and messages for the model: "Note to the assistant"
    r"\b(note|message|instructions?|reminder|hint)\s+(to|for)\s+(the\s+|any\s+)?(ai|assistant|chatbot|llm|language model|bot)\b",
    r"\b(dear|hey|attention|hello)\s*,?\s+(ai|assistant|chatbot|llm|bot)\b",
    r"\bas an (ai|artificial intelligence)( language model| assistant| model| system)?\s*[,:;]",
    r"\byou are (now )?(an?|the) (ai|assistant|chatbot|language model)\b",
    r"\b(if|when) (you are|you're|you get) (asked|questioned)\b",
    r"\b(if|when) (anyone|someone|the user|a user) asks\b",
    # an imperative "answer ..." opening the sentence, or "always/only answer with"
    r"^\W{0,3}(answer|reply|respond)\s+(with\s+|that\s+|only\s+|:\s*)?[\w\"']",
    r"\b(always|only)\s+(answer|reply|respond)\s+(with|that|by saying|:)",
    r"\b(do not|don't|never)\s+(tell|reveal|mention)\s+(this\s+to\s+)?(the\s+)?(user|reader)s?\b",
)

# Follow-up cues (rag/conversation.py explains each key).
CONVERSATION_CUES = {
    "leading": ("and", "also", "then", "so", "but", "plus", "besides", "as for"),
    "substitute": ("what about", "how about", "what of", "and what about", "and how about"),
    "substitute_tail": (),
    "pronouns": tuple("they them their theirs themselves it its he him his she her".split()),
    "demonstratives": (),
    "final_demonstratives": ("this", "that", "these", "those"),
    "person_pronouns": ("he", "him", "his", "she", "her"),
    "question_words": tuple(
        "what which who whom whose when where why how many much long often far old happened happen else exactly".split()
    ),
    "fillers": tuple("number total others ones one more rest remaining kind sort out up off".split()),
    "predicates": tuple(
        """sold caught taken given found made done kept sent seen known shown led run put set told brought bought
        taught paid met left got gotten hidden stolen won lost built hit freed jailed get go went gone come came
        say do did does happen stay remain stand""".split()
    ),
    "light_verbs": (),
}

PACK = LanguagePack(
    code="en",
    name="English",
    native_name="English",
    script=re.compile(r"[A-Za-z\u00c0-\u024f]"),
    direction="ltr",
    min_script_share=0.0,  # an English answer may quote names in any script,
    max_other_share=0.2,  # but at most a fifth of its letters are Urdu (or another pack's)
    stop_words=STOP_WORDS,
    question_words=QUESTION_WORDS,
    wh_words=frozenset("what which who whom whose where when how why".split()),
    determiners=frozenset("which what whose how".split()),
    function_words=frozenset("is are was were the a an of did does do has have had".split()),
    auxiliaries=frozenset("is are was were did does do has have had".split()),
    wh_parts=frozenset({"many", "much"}),
    number_words=NUMBER_WORDS,
    multipliers=MULTIPLIERS,
    ambiguous_numbers=frozenset({"zero", "half", "dozen"}),
    quantity_words=frozenset({"hundreds", "thousands", "dozens", "millions"}),
    currency_words=frozenset({
        "dollar", "dollars", "usd", "rupee", "rupees", "rs", "pkr", "inr", "euro", "euros", "pound", "pounds",
        "sterling", "gbp", "riyal", "riyals", "dirham", "dirhams", "yen", "yuan", "franc", "francs", "lira", "taka",
        "cents", "$", "£", "€", "₹", "₨",
    }),
    time_words=frozenset({"o'clock", "noon", "midnight", "morning", "afternoon", "evening", "night", "dawn", "dusk"}),
    clock_suffixes=frozenset({"am", "pm", "a.m", "p.m", "a.m.", "p.m."}),
    percent_words=frozenset({"percent", "per cent", "percentage", "%"}),
    era_words=frozenset({"ad", "bc", "bce", "ce", "a.d", "b.c"}),
    period_words=frozenset({"century", "centuries", "decade", "decades", "millennium", "years ago", "centuries ago"}),
    fraction_words=frozenset({"half", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths"}),
    months=tuple(
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec".split()
    ),
    weekdays=tuple("monday tuesday wednesday thursday friday saturday sunday".split()),
    relative_days=("today", "yesterday", "tomorrow", "tonight"),
    follow_up_openers=("and", "also", "what about", "how about", "then", "so"),
    follow_up_pronouns=("they", "them", "their", "he", "she", "him", "her", "it", "its", "those", "these", "that"),
    stem=stem,
    refusals=REFUSALS,
    extractive_prefix="According to the article: ",
    follow_up_suggestions=(
        ("where", "Where did this happen?"),
        ("when", "When did this happen?"),
        ("who", "Who is named in this?"),
        ("next", "What happened next?"),
    ),
    boilerplate=("also read", "read more", "see also", "related stories", "related topics"),
    addresses_assistant=ASSISTANT_ADDRESS,
    conversation_cues=CONVERSATION_CUES,
    summary_cues={
        "reporting": "said says told according claimed stated added",
        "titles": "president minister prime dr general chief head spokesman spokeswoman officer police court",
        # the relative days are not all here: "tomorrow" and "tonight" were never cues
        "time": "today yesterday year month",
        "place": "city province district region country village capital in",
        "next": "will would plan plans hearing next expected",
    },
    needs_context=r"^\W*(?:he|she|they|it|this|these|those|his|her|their)\b",
    polar_words=frozenset({"yes", "no"}),
    answer_cues=ANSWER_CUES,
    answer_words=ANSWER_WORDS,
    safety={
        "abuse_material": ABUSE_MATERIAL,
        "commit_crime": COMMIT_CRIME,
        "injection": INJECTION,
        "off_task": OFF_TASK,
    },
)
