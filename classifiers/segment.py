"""Split a press release into weighted segments (title, lead, body, boilerplate).

Why: the primary label is what the headline and lead are about. A ranking quoted in an
"About us" paragraph or a fund mentioned in paragraph nine must not outvote the lead,
so every sentence carries a zone and a weight that the aggregation uses.
"""
# ruff: noqa: RUF001, RUF002, RUF003  (Chinese text and punctuation are meant: full-width marks are not typos)

from __future__ import annotations

import re
from dataclasses import dataclass

from classifiers.language import han_count, sentence_is_chinese

# Zone weights: multiplied with sentence probabilities during document aggregation.
ZONE_WEIGHTS: dict[str, float] = {"title": 1.0, "lead": 1.0, "early": 0.85, "body": 0.65, "boilerplate": 0.2}
LEAD_SENTENCES = 2
EARLY_SENTENCES = 4
MAX_BODY_SENTENCES = 60  # beyond this press releases are archives/annual reports; keep it fast

_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "dept",
        "univ",
        "gov",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "est",
        "mt",
        "ave",
        "p.m",
        "a.m",
    }
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"\u201c\u2018(\[]?[A-Z0-9])")
_BOILERPLATE_START = re.compile(
    r"^(about\s+\S.{0,80}$|about\s+[^.:\n]{1,80}:\s|about us\b|notes? (to|for) (the )?editors?|"
    r"editor'?s'? notes?|background(er)?:?$|company background|boilerplate:?$|photo caption|"
    r"media (contact|enquiries|inquiries|relations)|press (contact|enquiries|inquiries|office)|"
    r"investor (contact|relations)|for (more|further) information|contacts?:|source:|hashtag:|follow us\b|"
    r"the issuer is solely responsible|###|-?\s*ends\s*-?$|forward-looking statements?|"
    r"cautionary (note|statement)|safe harbou?r)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z.'\- ]{1,40}|[A-Z][A-Z.'\- ]{1,40}),?(?:\s*[A-Z][A-Za-z.'\- ]{1,30},?)?"
    r"(?:\s*(?:\w{3,9}\.? \d{1,2},? \d{4}|\d{1,2} \w{3,9}\.?,? \d{4}))?\s*(?:\([^)\n]{2,30}\))?"
    r"\s*(?:/[^/\n]{2,40}/)?\s*(?:--|\u2014|\u2013)\s+"
)
# Chinese: a sentence ends at 。！？ (full-width or not), with any closing quotes or brackets;
# no space follows, and none is needed. Only paragraphs holding one of these are split so.
_ZH_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[」』”’）)]*)?|[。！？!?]+")
_ZH_ENDS = frozenset("。！？")
# Where the boilerplate of a Chinese release starts (both scripts): "關於X" as a heading or
# "关于X：", media enquiries, notes to editors, disclaimers, forward-looking statements, "-完-".
_ZH_BOILERPLATE_START = re.compile(
    r"^(?:[關关][於于](?![^。：:\n]*的(?:通知|公告|通告|[决決]定|意[见見]|批[复覆]|函|[报報]告)$)[^。：:，,\n]{1,30}(?:$|[：:])|[傳传媒][媒体體]?(?:查[詢询]|[聯联][絡络]|[關关][係系])|"
    r"新[聞闻](?:[聯联][絡络]|查[詢询]|稿[聯联][絡络])|[聯联][絡络](?:人|方式|資料|资料)[：:]|"
    r"[編编]者按|[編编][輯辑](?:[備备][註注]|[說说]明)|[註注][：:]|附[註注]|免[責责][聲声]明|"
    r"前[瞻][性][陳陈][述]|[-—－─]*\s*[完]\s*[-—－─]*$|[（(][完][)）]$|資料來源|资料来源)"
)
# Chinese datelines: "香港，2025年6月26日 /美通社/ --", "（香港，2025年6月26日）", "新華社北京6月26日電"
_ZH_DATELINE = re.compile(
    r"^\s*(?:[（(【\[][^）)】\]\n]{1,30}\d{1,2}月\d{1,2}日[^）)】\]\n]{0,6}[）)】\]]|"
    r"[^，,。\n]{1,20}[，,]\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日\s*(?:/[^/\n]{2,20}/)?\s*(?:--|—|－|–)+|"
    r"[^，,。\n]{0,12}(?:社|網|网|報|报)[^，,。\n]{0,10}\d{1,2}月\d{1,2}日[電电]\s*(?:[（(][^）)\n]{1,20}[）)])?)\s*"
)
_WS = re.compile(r"[ \t\u00a0]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Segment:
    """One sentence (or headline) with its position-derived zone."""

    text: str
    zone: str
    index: int

    @property
    def weight(self) -> float:
        return ZONE_WEIGHTS[self.zone]


def split_sentences(paragraph: str) -> list[str]:
    """Sentence split that survives "Mr. Zhang", "U.S." and "Prof. Chao"; Chinese ends at 。！？."""
    if not paragraph.isascii() and not _ZH_ENDS.isdisjoint(paragraph):
        return [s for part in _ZH_SENTENCE.findall(paragraph) for s in _split_latin(part)]
    return _split_latin(paragraph)


def _split_latin(paragraph: str) -> list[str]:
    pieces = _SENTENCE_END.split(paragraph)
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(None, 1)[-1].rstrip(".").lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [_tidy(p) for p in re.split(r"\n\s*\n|\n(?=\s*[-•*·]\s)|\n", text) if p.strip()]


def _tidy(paragraph: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space. Extracted text mostly has single
    spaces only, and the substitution, which replaces every single space too, is skipped."""
    if "  " in paragraph or "\t" in paragraph or "\u00a0" in paragraph:
        paragraph = _WS.sub(" ", paragraph)
    return paragraph.strip()


def _normalise_key(s: str) -> str:
    return " ".join(_WORD.findall(s)).lower()  # as re.sub(r"\W+", " ", s).strip(), a quarter quicker


def _repeats_title(paragraph: str, title_key: str) -> bool:
    """``_normalise_key(paragraph) == title_key``, the whole paragraph normalised only when its
    first word is the title's: paragraphs are long, and this runs on every one of them."""
    first = _WORD.search(paragraph)
    if first is None or first.group().lower() != title_key.partition(" ")[0]:
        return False
    return _normalise_key(paragraph) == title_key


def _fragment(sentence: str) -> bool:
    """Too short to carry a signal: under three words and, for Chinese, under six Han characters."""
    if len(sentence.split()) >= 3:
        return False
    return sentence.isascii() or len(sentence) < 6 or han_count(sentence[:40]) < 6


def _boilerplate_starts(paragraph: str) -> bool:
    if _BOILERPLATE_START.match(paragraph):
        return True
    return not paragraph.isascii() and _ZH_BOILERPLATE_START.match(paragraph) is not None


def _strip_dateline(paragraph: str) -> str:
    stripped = _DATELINE.sub("", paragraph, count=1)
    if stripped != paragraph:  # copy-pasted releases often repeat the dateline
        stripped = _DATELINE.sub("", stripped, count=1)
    if not stripped.isascii():
        stripped = _ZH_DATELINE.sub("", stripped, count=1)
    return stripped


def segment(title: str, text: str, chinese: bool | None = None) -> list[Segment]:
    """Segments in reading order. Title first; then lead, early, body; boilerplate last.

    ``chinese`` (the document's main language, when known) keeps only the body sentences
    written in it: a mixed page is labelled by its main language, and the lead is the
    first sentences in that language (a Chinese summary above an English release is not
    its lead). The title is always kept.
    """
    segments: list[Segment] = []
    title = _tidy(title)
    if title:
        segments.append(Segment(title, "title", 0))
    title_key = _normalise_key(title)
    body_count = 0
    in_boilerplate = False
    seen: set[str] = {title_key}
    for paragraph in _paragraphs(text):
        if not in_boilerplate and _boilerplate_starts(paragraph):
            in_boilerplate = True
        if title_key and _repeats_title(paragraph, title_key):
            continue  # extractors often repeat the headline as the first line
        if body_count == 0 and not in_boilerplate:
            paragraph = _strip_dateline(paragraph)
        for sentence in split_sentences(paragraph):
            if _fragment(sentence):
                continue  # fragments carry no signal
            if chinese is not None and sentence_is_chinese(sentence) != chinese:
                continue  # the other language of a mixed page
            key = _normalise_key(sentence)
            if key in seen:
                continue  # nor do duplicated captions
            seen.add(key)
            if in_boilerplate:
                zone = "boilerplate"
            elif body_count >= MAX_BODY_SENTENCES:
                continue
            elif body_count < LEAD_SENTENCES:
                zone = "lead"
            elif body_count < LEAD_SENTENCES + EARLY_SENTENCES:
                zone = "early"
            else:
                zone = "body"
            if zone != "boilerplate":
                body_count += 1
            segments.append(Segment(sentence, zone, len(segments)))
    return segments
