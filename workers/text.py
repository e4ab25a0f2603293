"""Plain text for storage: feed fields and extracted articles carry no markup, no control
characters and a bounded length, whatever a publisher (or an attacker) put in them.
"""

from __future__ import annotations

import html as html_lib
import re

_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
# Inline tags vanish without a trace ("<b>HK</b>$" stays "HK$"); line-level ones become newlines.
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)
_LINE_TAG_RE = re.compile(
    r"<(?:br|hr)\b[^<>]*>|</(?:p|div|li|h[1-6]|tr|blockquote|pre|dd|dt|section|article)\s*>", re.I
)
_BLOCK_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
# Characters no stored text keeps: controls (Unicode category Cc) but newline and tab,
# surrogates (Cs), private use (Co), and invisible format characters (zero-width space and
# joiners, word joiner, BOM, soft hyphen). One regex pass: per-character Python cost ~3%
# of a worker's CPU on 70 KB pages. tests/test_extract.py checks it against unicodedata.
DROPPED_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad]"
)
# Runs of horizontal whitespace (not newline or tab) that are not already one plain space:
# a lone space, by far the most common run, is not matched, so costs no replacement.
_H_SPACE_RE = re.compile(r"[^\S\n\t ][^\S\n\t]*| [^\S\n\t]+")
_SPACE_AROUND_NL_RE = re.compile(r" \n ?|\n ")  # after _H_SPACE_RE: at most one space either side
_MANY_NL_RE = re.compile(r"\n{3,}")
# Whitespace other than newline, tab and space: with none of it and no double space,
# _H_SPACE_RE has nothing to replace, and one search costs half of its substitution.
_ODD_SPACE_RE = re.compile(r"[^\S\n\t ]")


def _strip_tags(text: str) -> str:
    text = _BLOCK_RE.sub(" ", text)
    text = _INLINE_TAG_RE.sub("", text)
    text = _LINE_TAG_RE.sub("\n", text)
    return _TAG_RE.sub(" ", text)


def clean_text(value: str, max_chars: int) -> str:
    """Plain text safe to store: no tags or entities, no control chars, tidy whitespace, capped.

    Feeds put HTML fragments, entities and stray control bytes into titles and summaries;
    consumers of the stream expect plain text of bounded size.
    """
    if max_chars <= 0 or not value:
        return ""
    # each step only when its trigger character is there (articles rarely have either)
    text = _strip_tags(value) if "<" in value else value
    text = html_lib.unescape(text) if "&" in text else text
    text = _strip_tags(text) if "<" in text else text  # markup that was entity-escaped or nested
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = DROPPED_CHARS.sub("", text)
    # one space between words; each pass only when there is something for it to do (most
    # extracted articles need none of them, and each whole-text pass costs ~10 ns a character)
    if "  " in text or _ODD_SPACE_RE.search(text):
        text = _H_SPACE_RE.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACE_AROUND_NL_RE.sub("\n", text)
    text = text.strip(" ")
    if "\n\n\n" in text:
        text = _MANY_NL_RE.sub("\n\n", text)
    text = text.strip()
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= max_chars * 0.8:  # end on a word boundary when that costs little
        cut = cut[:space]
    return cut.rstrip() + "…"
