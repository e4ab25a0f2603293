"""Headline rules: what the headline's main verb says the release is about.

Why: the primary label is what the headline announces, and a few verbs settle it far more
reliably than bag-of-words scores over the whole release: "appoints X as CEO" is an
appointment even at a venture-capital firm; "raises $14 million" is a funding story even
when the headline also mentions a top-100 list; "wins award at gala" is a ranking, not an
event. Rules are hand-written (not learned) and checked in a fixed priority order; a
headline that matches none leaves the decision to the sentence model. Future or
conditional agreements ("expected to sign") never count as signed.
"""

from __future__ import annotations

import re

from classifiers import OTHER

_F = re.IGNORECASE

_MONEY = r"(?:[$€£¥]|\b(?:us\$|usd|eur|gbp|rmb|inr|rs\.?|krw|dkk|sek|nok)\s?\d|\d[\d.,]*\s?(?:million|billion|bn|m|crore|lakh)\b)"
_ROLE = (
    r"(?:ceo|cfo|cto|coo|chief\b|chair(?:man|woman|person)?|president|vice[- ]president|director|dean|"
    r"rector|provost|vice[- ]chancellor|chancellor|head of|head\b|managing partner|partner|board|"
    r"principal|secretary[- ]general|ambassador|executive|officer|manager|leader(?:ship)? team|trustee|fellow of)"
)
_EVENT_NOUN = (
    r"(?:conference|summit|forum|expo|exhibition|trade fair|fair|festival|symposium|workshop|webinars?|"
    r"hackathon|marathon|open day|open house|ceremony|congress|convention|delegation|competition|"
    r"roadshow|graduation|commencement|seminar|lecture|gala|tournament|olympiad|bootcamp|masterclass|"
    r"meetup|retreat|trade show|air show|motor show|world cup|career fair|job fair)"
)
_FUTURE = re.compile(
    r"\b(?:expected to|set to|plans? to|planning to|aims? to|hopes? to|seeks? to|could|may|might|would|will|"
    r"to be|poised to|ready to|eyes?|mulls?|considers?|in talks to|to)\s+(?:be\s+)?"
    r"(?:sign|signed|ink|inked|seal|sealed|conclude|concluded|formali[sz]e)\b",
    _F,
)

_FUTURE_VERBS = ("sign", "ink", "seal", "conclu", "formali")

_OTHER_RULES = [
    # appointments, departures, obituaries
    re.compile(
        r"\b(?:appoints?|appointed|appointment of|names?|named|elects?|elected|promotes?|promoted|hires?|hired|"
        r"taps|welcomes|selects?|confirms|joins|joined)\b[^.;:]{0,70}?\b(?:as|to|new|its|interim)\b[^.;:]{0,40}?\b"
        + _ROLE,
        _F,
    ),
    re.compile(r"\bnew\s+" + _ROLE + r"\b", _F),
    re.compile(
        r"\b(?:to step down|steps down|stepping down|retires?|retirement|resigns?|resignation|"
        r"successor|succeeds?|obituary|dies|died|passes away|passed away|mourns?|in memoriam|tribute to)\b",
        _F,
    ),
    # results and statistics
    re.compile(
        r"\b(?:quarter(?:ly)?|q[1-4]|first[- ]half|half[- ]year|full[- ]year|annual|fiscal|interim)\b"
        r"[^.;:]{0,40}\b(?:results?|revenue|revenues|sales|profit|earnings|loss|income|ebitda)\b",
        _F,
    ),
    re.compile(
        r"\b(?:reports?|posts?|announces?)\b[^.;:]{0,40}\b(?:revenue|revenues|net profit|profit|earnings|"
        r"net income|net loss|results|sales growth|dividend)\b",
        _F,
    ),
    re.compile(
        r"\b(?:prices|wages|exports|imports)\s+(?:rise|rose|fall|fell|climb|drop|ease|edge|jump|slip)", _F
    ),
    re.compile(
        r"\b(?:consumer price|producer price|price index|inflation|cpi|ppi|pmi|purchasing managers|gdp|"
        r"unemployment rate|jobless rate|trade balance|trade surplus|trade deficit|retail sales|"
        r"industrial output|industrial production|interest rates?)\b",
        _F,
    ),
    # recalls, incidents, rules
    re.compile(r"\b(?:recalls?|recalled|withdrawn|data breach|security incident|outage|cyberattack)\b", _F),
    re.compile(
        r"\b(?:acquires?|acquired|acquisition|completes? (?:the )?(?:merger|purchase)|merger|takeover|ipo)\b",
        _F,
    ),
    re.compile(
        r"\b(?:study|studies|researchers|scientists|research team|trial|survey)\b[^.;:]{0,40}"
        r"\b(?:finds?|found|shows?|showed|reveals?|suggests?|discovers?|discovered|identif(?:y|ies|ied))\b",
        _F,
    ),
    re.compile(r"\b(?:positive|top[- ]line)\b[^.;:]{0,30}\bresults\b", _F),
]

_FUND_RULES = [
    re.compile(
        r"\b(?:raises?|raised|raising|secures?|secured|lands?|landed|bags?|bagged|closes?|closed|nets?|"
        r"attracts?|snags?|gets?|receives?|wins?|awarded|obtains?|completes?)\b[^.;:]{0,60}?"
        r"(?:" + _MONEY + r"|\b(?:series [a-f]|seed|pre-seed|funding|round|financing|investment|capital|"
        r"grants?|loan|endowment|fellowships?|scholarships?)\b)",
        _F,
    ),
    re.compile(
        r"\b(?:approves?|approved|allocates?|allocated|earmarks?|earmarked|pledges?|pledged|commits?|"
        r"committed|provides?|invests?|invested|awards?|disburses?|grants?|donates?|donated|gives?|gave|"
        r"launch(?:es|ed)?|unveils?|creates?|establishes?|sets up|announces?|opens?|opened)\b[^.;:]{0,60}?"
        r"(?:" + _MONEY + r"|\b(?:grants?|funding|fund|funds|scholarships?|fellowships?|endowment|loan|"
        r"financing|donation|gift|bursar(?:y|ies)|budget|investment)\b)",
        _F,
    ),
    re.compile(
        r"\b(?:gift|donation|donates|donated|endows|endowed|bequest|crowdfund(?:s|ed|ing)?|fund-of-funds|"
        r"financing agreement|loan agreement|grant agreement|funding agreement)\b",
        _F,
    ),
    re.compile(
        _MONEY
        + r"[^.;:]{0,20}\b(?:gift|grant|grants|fund|loan|investment|funding|round|budget|scholarships?)\b",
        _F,
    ),
]

_RANKING_RULES = [
    re.compile(r"(?<![-\w])(?:ranked|ranks|ranking|rankings|league table|leaderboard)\b", _F),
    re.compile(
        r"\b(?:tops|topped|climbs?|climbed|rises|rose|moves? up|moved up|jumps?|jumped|retains?|retained|"
        r"keeps|kept|enters?|entered|breaks? into|slips?|falls?|drops?)\b[^.;:]{0,40}"
        r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|top|place|spot|position|list|ranking|table|index)\b",
        _F,
    ),
    re.compile(
        r"\b(?:named|voted|rated|recogni[sz]ed|listed|included|featured|selected|crowned|certified)\b"
        r"[^.;:]{0,30}\b(?:one of|among|best|world's best|top|most|leading|a leader|leader|finalist|"
        r"winner|champion|great place)\b",
        _F,
    ),
    re.compile(
        r"\b(?:wins?|won|takes?|took|scoops?|scooped|bags?|receives?|received|earns?|earned|picks? up|"
        r"clinch(?:es|ed)?|claims?|secures?|honou?red|awarded)\b[^.;:]{0,50}"
        r"\b(?:awards?|prizes?|gold|silver|bronze|medals?|trophy|title|first place|top score|top spot|"
        r"honours|honors|accolade|distinction)\b",
        _F,
    ),
    re.compile(
        r"\b(?:positioned|placed|recogni[sz]ed|named|identified)\s+as\s+(?:a\s+)?(?:leader|strong performer|"
        r"visionary|major player|challenger)\b",
        _F,
    ),
    re.compile(
        r"\b(?:top \d+|top[- ]ten|top[- ]five|fastest[- ]growing|most valuable|highly cited|best employer|"
        r"world's best|best in)\b",
        _F,
    ),
]

_MOU_RULES = [
    re.compile(
        r"\b(?:signs?|signed|signing|inks?|inked|seals?|sealed|concludes?|concluded|renews?|renewed|"
        r"forges?|forged|strikes?|struck|enters? into|entered into|formali[sz]es?|formali[sz]ed|agrees?|"
        r"agreed|extends?|extended|exchanges?)\b[^.;:]{0,80}?\b(?:agreements?|mou|mous|memorandum|memoranda|"
        r"pact|accord|deal|letter of intent|loi|partnership|alliance|treaty|charter|joint venture|concession)\b",
        _F,
    ),
    re.compile(
        r"\b(?:joint venture|join forces|joins forces|team up|teams up|partners? with|partnered with|"
        r"partner to|codeshare|twinning|sister[- ]cit(?:y|ies)|memorandum of understanding|mou|"
        r"memorandum of cooperation|letter of intent|cooperation agreement|framework agreement|"
        r"partnership agreement|licen[cs]ing agreement|licenses|licences)\b",
        _F,
    ),
    re.compile(r"\bagree(?:s|d)? to (?:co-|jointly|cooperate|collaborate|work together|partner)", _F),
]

_PRODUCT = re.compile(
    r"\b(?:unveils?|unveiled|launch(?:es|ed)?|introduces?|introduced|debuts?|debuted|rolls? out|rolled out|"
    r"releases?|released|showcases?|showcased|demonstrates?|"
    r"publishes?|published|issues?|notifies|updates?)\s+((?:\S+\s+){0,4})",
    _F,
)
_EVENT_RULES = [
    re.compile(
        r"\b(?:hosts?|hosted|hosting|holds?|held|organi[sz]es?|organi[sz]ed|convenes?|convened|stages?|"
        r"staged|celebrates?|kicks? off|invites?|gathers?|brings together)\b",
        _F,
    ),
    re.compile(r"\b(?:visits?|visited|visiting|tours?|toured|delegation|study tour|trade mission)\b", _F),
    re.compile(r"\b" + _EVENT_NOUN + r"s?\b", _F),
]


# An event noun before " at " or in the verb's object makes "launches ..." an event headline
# ("conference launches", "launches webinar series"); "unveils laptop at Computex" stays other.
_EVENT_HEAD = re.compile(r"\b" + _EVENT_NOUN + r"s?\b", _F)


def future_agreement(text: str) -> bool:
    """True when an agreement is only expected, planned or conditional ("expected to sign")."""
    low = text.lower()  # cheap pre-check: this runs on every sentence
    return any(v in low for v in _FUTURE_VERBS) and bool(_FUTURE.search(text))


def headline_label(title: str) -> str | None:
    """The primary label the headline's main verb announces, or ``None`` to let the model decide."""
    if not title:
        return None
    if any(r.search(title) for r in _OTHER_RULES):
        return OTHER
    if any(r.search(title) for r in _FUND_RULES):
        return "fund"
    if any(r.search(title) for r in _RANKING_RULES):
        return "ranking"
    if not future_agreement(title) and any(r.search(title) for r in _MOU_RULES):
        return "mou"
    product = _PRODUCT.search(title)
    if product and not _EVENT_HEAD.search(title[: product.end()]):
        return OTHER
    if any(r.search(title) for r in _EVENT_RULES):
        return "event"
    return None
