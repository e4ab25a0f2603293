"""Language of a document: which script dominates, English or not, Traditional or Simplified.

Why our own: the classifier supports English, Traditional and Simplified Chinese, and
must say so (not guess) for anything else. That needs three cheap answers, not a general
language identifier: which script carries most of the text (character classes counted
with a few regexes over the first ``SAMPLE_CHARS`` characters), whether a Latin-script
text is English (a small stop-word vote against French, German, Spanish, Italian,
Portuguese, Dutch, Indonesian, Danish, Swedish and Tagalog), and whether a Chinese text is
Traditional or Simplified (OpenCC: characters that change when folded to Simplified are Traditional
forms, those that change the other way are Simplified forms). Measured (docs/classifier.md):
about 0.07 ms per document, against 0.34 ms and a 0.97 s load for py3langid.

Folding (``fold``) maps Traditional to Simplified characters (OpenCC ``t2s``, a C++
library: ~20 ms to load, ~0.05 ms per 1,400 characters) and full-width Latin letters
and digits to ASCII, so one vocabulary serves both scripts.
"""
# ruff: noqa: RUF003  (Chinese text and punctuation are meant: full-width marks are not typos)

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Only this much of a document is looked at: a language is clear long before, and text from
# outside must be cheap to judge whatever its length.
SAMPLE_CHARS = 6_000
# One Han character carries about as much as three Latin letters: Chinese renderings of an
# English text have roughly a third of its letters (spaces excluded). Used to weigh scripts
# against each other (main language of a mixed page) and to judge "too little text".
HAN_WEIGHT = 3
# Han characters enough to tell Traditional from Simplified: of 300 characters of the Chinese
# dev sets, 100-130 are specific to their script; more would only cost time.
SCRIPT_SAMPLE = 300
# Below this many letter-equivalents (Latin letters, 3 per Han character) in title and text
# together, a document is too short to label (about eight English words, thirteen Han
# characters): the label would be a guess.
MIN_CONTENT = 40

ENGLISH = "en"
TRADITIONAL = "zh-Hant"
SIMPLIFIED = "zh-Hans"
CHINESE = "zh"  # Chinese whose script cannot be told (too few script-specific characters)
UNDETERMINED = "und"
SUPPORTED = frozenset({ENGLISH, TRADITIONAL, SIMPLIFIED, CHINESE})

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_KANA_RUN = re.compile(r"[\u3040-\u30ff]+")
# A Han text with this many kana (and at least this share of its Han characters) is Japanese.
MIN_KANA = 3
KANA_SHARE = 0.05
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
# Runs rather than single characters where only the count matters: a list of words is
# built five times faster than a list of their letters.
_LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_FULLWIDTH_CHAR = re.compile(r"[\uff01-\uff5e\u3000]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Anything beyond Latin letters (basic, Latin-1, Extended-A/B) and general punctuation: a sample
# without such a character takes the same path as an ASCII one (no Han or other-script passes).
_BEYOND_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u206f]")
# Letters of neither Chinese nor Latin script (nor punctuation, symbols, CJK marks): only when
# there are enough of these is a text checked for the other scripts.
_NEITHER = re.compile(
    r"[^\x00-\x7f\u00a0-\u024f\u2000-\u2bff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f]+(?:'[a-z]+)?")
# Other scripts, by ISO 639-1 code of their most common language (or the script's name).
_OTHER_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)

# Function words that are frequent in one language and rare in the others' running text.
_STOPWORD_LISTS: dict[str, str] = {
    "en": "the and of to in is with on by will has was were that this from which its their said "
    "are be as an it been also who would more than",
    "fr": "le la les des et est une du pour dans qui sur avec par au aux ce cette sont été ont leur nous vous "
    "il elle mais ou plus",
    "de": "der die das und ist mit für den von zu im auf dem des ein eine wird wurde sich nicht auch bei nach "
    "aus über sind werden",
    "es": "el los las y que con por para una del al se su sus como más fue este esta entre han sobre también son",
    "it": "il gli e che con per una del della delle dei nel nella sono è alla anche come più questo questa stato",
    "pt": "o os as e que com para uma do da dos das no na em ao foi são mais também pelo pela este esta entre",
    "nl": "de het een en van is op met voor zijn niet dat deze bij ook naar wordt werd om aan hun heeft",
    "id": "yang dan di dengan untuk dari ini itu dalam akan pada adalah oleh juga tersebut telah kami mereka sebagai",
    # Languages that write English words ("at", "for", "have", "is"): they vote so that English
    # does not win on those alone. Only their own words are listed, none English also uses.
    "da": "og ikke af til skal blev eller også efter det som med har der vil kan fra være en om på ved hun vi "
    "sin sit sine deres år nye",  # Norwegian too
    "sv": "och att inte av för är ett till det som med har vid från också kommer en om på vi sin sitt sina "
    "deras år nya",
    "tl": "ang ng mga ay si ni ito kay niya nang mula rin din ngayong upang",
}
_STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split()) for code, words in _STOPWORD_LISTS.items()
}
# The stop-word vote reads this many characters (some 400 words): plenty to tell languages.
LATIN_SAMPLE = 2_500
# A Latin-script text is English when English function words are at least this share of its
# words and outnumber each other language's. Real English prose: 25-40%.
MIN_ENGLISH_SHARE = 0.12

# Another language's stop words must be at least this share of the words to name it (real
# prose: 20-40%); below, the vote is noise and the answer is "und" (unsupported either way).
MIN_VOTE_SHARE = 0.05

# Full-width ASCII (common in Chinese text: "ＭｏＵ", "２０２５") -> ASCII.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True)
class Language:
    """What a document is written in, and whether there is enough of it to label."""

    code: str  # "en", "zh-Hant", "zh-Hans", "zh", another ISO 639-1 code, or "und"
    content: int  # letter-equivalents: Latin letters plus HAN_WEIGHT per Han character

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED

    @property
    def too_short(self) -> bool:
        return self.content < MIN_CONTENT

    @property
    def chinese(self) -> bool:
        return self.code.startswith("zh")


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    """An OpenCC converter, loaded once per process (with the model: ``load_converters``)."""
    import opencc

    return opencc.OpenCC(config)


def load_converters() -> None:
    """Load OpenCC's tables now (about 0.06 s) rather than on the first Chinese text: a
    supervisor that loads the model before forking its workers then shares them."""
    _converter("t2s")
    _converter("s2t")


def fold_all(texts: Sequence[str]) -> list[str]:
    """``fold`` for many texts in one OpenCC call: per call it costs about as much as a short
    sentence does. Texts must not contain newlines (sentences do not)."""
    indices = [i for i, text in enumerate(texts) if not text.isascii()]
    if not indices:
        return list(texts)
    folded = fold("\n".join(texts[i] for i in indices)).split("\n")
    out = list(texts)
    if len(folded) != len(indices):  # a newline after all: one by one
        return [fold(text) for text in texts]
    for i, text in zip(indices, folded, strict=True):
        out[i] = text
    return out


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (from a broken ``\\ud800`` JSON escape) as U+FFFD: they
    cannot be encoded to UTF-8, which OpenCC and every writer of our output needs. The same
    object when there are none."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def fold(text: str) -> str:
    """Traditional -> Simplified characters and full-width -> ASCII; ASCII text is returned as is."""
    if text.isascii():
        return text
    text = without_surrogates(text)
    if _FULLWIDTH_CHAR.search(text):
        text = text.translate(_FULLWIDTH)
    if _HAN.search(text) is None:
        return text
    return str(_converter("t2s").convert(text))


def han_count(text: str) -> int:
    """Han characters in ``text`` (0 at once for ASCII)."""
    return 0 if text.isascii() else _letters(_HAN_RUN, text)


def chinese_script(text: str) -> str:
    """``zh-Hant``, ``zh-Hans`` or ``zh`` (cannot tell) for a Chinese text.

    Counts characters that OpenCC changes one way and the other; a text needs a clear
    majority (3:1) of one kind, and at least two such characters, to be told.
    """
    return _script_of("".join(_HAN_RUN.findall(text[:SAMPLE_CHARS])))


def _letters(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def _script_of(han: str) -> str:
    """Script of a run of Han characters (see ``chinese_script``)."""
    sample = han[:SCRIPT_SAMPLE]
    if not sample:
        return CHINESE
    # Both conversions keep one character per character (t2s and s2t map characters and
    # phrases of equal length), so position by position comparison counts changed ones.
    traditional = sum(map(str.__ne__, sample, _converter("t2s").convert(sample)))
    simplified = sum(map(str.__ne__, sample, _converter("s2t").convert(sample)))
    if traditional >= 2 and traditional >= 3 * simplified:
        return TRADITIONAL
    if simplified >= 2 and simplified >= 3 * traditional:
        return SIMPLIFIED
    return CHINESE


def _latin_language(sample: str) -> str:
    words = _LATIN_WORD.findall(sample[:LATIN_SAMPLE].lower())
    if not words:
        return UNDETERMINED
    counts = Counter(words)
    votes = {code: sum(counts[w] for w in stop if w in counts) for code, stop in _STOPWORDS.items()}
    best = max(votes, key=lambda code: (votes[code], code == ENGLISH))
    runner_up = max(v for code, v in votes.items() if code != ENGLISH)
    if best == ENGLISH and (
        (votes[ENGLISH] >= MIN_ENGLISH_SHARE * len(words) and votes[ENGLISH] > runner_up)
        # short newswire English is dense with names ("LAGOS -- A Lagos logistics startup..."):
        # a few English function words and hardly any of another language's are enough ("at",
        # "for", "have" are Danish and Tagalog words too: those languages vote, see _STOPWORD_LISTS)
        or (votes[ENGLISH] >= 2 and votes[ENGLISH] >= 3 * runner_up)
    ):
        return ENGLISH
    if best == ENGLISH or votes[best] < MIN_VOTE_SHARE * len(words):
        # a weak vote (Spanish without "el", Vietnamese, Tagalog...) names no language
        return UNDETERMINED
    return best


def detect(title: str, text: str) -> Language:
    """The main language of a document (title and text), by script weight, then stop words.

    A mixed page (an English release with a Chinese summary, or the reverse) gets the
    language that carries most of its content: Han characters weigh ``HAN_WEIGHT`` letters.
    """
    sample = f"{title}\n{text}"[:SAMPLE_CHARS]
    if sample.isascii() or _BEYOND_LATIN.search(sample) is None:
        latin = _letters(_LATIN_RUN, sample)
        return Language(_latin_language(sample) if latin else UNDETERMINED, latin)
    han = _HAN_RUN.findall(sample)
    han_chars = sum(map(len, han))
    counts = {"zh": HAN_WEIGHT * han_chars, "latin": _letters(_LATIN_RUN, sample)}
    # The other scripts are counted only when enough of the text is in neither: eight regex
    # passes fewer over nearly every page.
    if len(_NEITHER.findall(sample)) >= 0.1 * (counts["zh"] + counts["latin"]):
        counts["ja"] = HAN_WEIGHT * len(_KANA.findall(sample))
        counts["ko"] = HAN_WEIGHT * len(_HANGUL.findall(sample))
        for code, pattern in _OTHER_SCRIPTS:
            counts[code] = len(pattern.findall(sample))
    main = max(counts, key=lambda k: counts[k])
    content = counts["zh"] + counts["latin"]
    if counts[main] == 0:
        return Language(UNDETERMINED, 0)
    if main == "zh":
        # Japanese writes Han characters too, always with some kana between them (even a text
        # dense with kanji: 5% and more); Chinese has none but a stray brand name.
        kana = _letters(_KANA_RUN, sample)
        if kana >= max(MIN_KANA, KANA_SHARE * han_chars):
            return Language("ja", HAN_WEIGHT * kana + content)
        return Language(_script_of("".join(han)), content)
    if main == "latin":
        if _FULLWIDTH_CHAR.search(sample):
            sample = sample.translate(_FULLWIDTH)
        return Language(_latin_language(sample), content)
    return Language(main, counts[main] + content)


def sentence_is_chinese(text: str) -> bool:
    """Whether a sentence is mostly Chinese (by the same weights as ``detect``)."""
    if text.isascii():
        return False
    latin = _letters(_LATIN_RUN, text)
    if not latin:
        return _HAN.search(text) is not None
    return HAN_WEIGHT * _letters(_HAN_RUN, text) >= latin


def stream_lang(declared: str, detected: str) -> str:
    """The ``lang`` a stream entry carries: what the text is written in, as detected, unless
    detection could not tell and the page's declaration can (``zh`` + ``zh-HK`` -> the page's
    ``zh-Hant``; ``und`` -> whatever the page declares), or the page says the same more
    precisely (``en`` + ``en-GB`` -> ``en-GB``)."""
    if not detected or detected == UNDETERMINED:
        return declared
    if detected == CHINESE and declared in (TRADITIONAL, SIMPLIFIED):
        return declared
    if detected == ENGLISH and declared.lower().partition("-")[0] == ENGLISH:
        return declared
    return detected
