"""OPML in and out: the format feed readers use to exchange subscription lists.

OPML files come from elsewhere, so parsing is defensive: a file that declares a DOCTYPE
or entities is refused outright (that is how billion-laughs and XXE work), and lxml runs
with entity resolution, DTD loading and network access off. Pure: bytes in, values out.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from workers.errors import ConfigError
from workers.settings import FeedConfig

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_OPML_BYTES = 10 * 2**20


@dataclass(frozen=True)
class Outline:
    """One subscription: an ``<outline>`` carrying an ``xmlUrl``."""

    url: str
    title: str  # the outline's text or title attribute, may be empty
    line: int | None  # where it is in the file, for messages


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_opml(data: bytes, source: str = "<opml>") -> list[Outline]:
    """Every outline with an xmlUrl, in document order (nested categories included)."""
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError(f"OPML file larger than {MAX_OPML_BYTES} bytes", source=source)
    if _DECLARATION.search(data):
        raise ConfigError(
            "OPML declares a DOCTYPE or entities (refused: possible XML bomb or XXE)", source=source
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise ConfigError(f"invalid OPML: {exc.msg}", source=source, line=line) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "opml":
        raise ConfigError("not an OPML file (root element is not <opml>)", source=source)
    outlines = []
    for node in root.iter("{*}outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if url:
            title = (node.get("text") or node.get("title") or "").strip()
            outlines.append(Outline(url=url, title=title, line=node.sourceline))
    return outlines


def render_opml(feeds: Iterable[FeedConfig], title: str = "pressroom feeds") -> bytes:
    """An OPML 2.0 document listing ``feeds`` (one rss outline each)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = email.utils.formatdate(usegmt=True)
    body = etree.SubElement(root, "body")
    for feed in feeds:
        etree.SubElement(body, "outline", type="rss", text=feed.name, title=feed.name, xmlUrl=feed.url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
