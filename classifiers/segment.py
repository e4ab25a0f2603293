"""Split a press release into weighted segments (title, lead, body, boilerplate).

Why: the primary label is what the headline and lead are about. A ranking quoted in an
"About us" paragraph or a fund mentioned in paragraph nine must not outvote the lead,
so every sentence carries a zone and a weight that the aggregation uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """Sentence split that survives "Mr. Zhang", "U.S." and "Prof. Chao"."""
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


def segment(title: str, text: str) -> list[Segment]:
    """Segments in reading order. Title first; then lead, early, body; boilerplate last."""
    segments: list[Segment] = []
    title = _tidy(title)
    if title:
        segments.append(Segment(title, "title", 0))
    title_key = _normalise_key(title)
    body_count = 0
    in_boilerplate = False
    seen: set[str] = {title_key}
    for paragraph in _paragraphs(text):
        if not in_boilerplate and _BOILERPLATE_START.match(paragraph):
            in_boilerplate = True
        if title_key and _repeats_title(paragraph, title_key):
            continue  # extractors often repeat the headline as the first line
        if body_count == 0 and not in_boilerplate:
            stripped = _DATELINE.sub("", paragraph, count=1)
            if stripped != paragraph:  # copy-pasted releases often repeat the dateline
                stripped = _DATELINE.sub("", stripped, count=1)
            paragraph = stripped
        for sentence in split_sentences(paragraph):
            if len(sentence.split()) < 3:
                continue  # fragments carry no signal
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
