"""Chinese pages: clean extracted text in every encoding, zh-Hant told from zh-Hans, and the
pipeline's stream entries saying which language they are in and whether they were labelled.

The pages (tests/resources/zh, written by tests/resources/zh/build_pages.py) are a Big5
page (Traditional, lang="zh-HK"), a GB18030 page (Simplified, lang="zh-CN", with a
character outside GB2312) and two UTF-8 pages without a charset declaration (one without
any lang, one with a bare lang="zh"). Their sources break lines between Chinese
characters, as hand-edited templates do; a browser shows no space there, nor may we.
"""
# ruff: noqa: RUF001  (Chinese punctuation is meant)

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml.html import fromstring
from redis import Redis

from tests.sites import Site
from tests.textcheck import leaked_boilerplate, word_recall
from tests.workerctx import worker_context
from workers import constants as names
from workers import status, streams
from workers.errors import ExtractError
from workers.extract import (
    MIN_TEXT_CHARS,
    Article,
    chinese_lang,
    content_length,
    extract_article,
    join_wide_line_breaks,
)
from workers.settings import parse_settings
from workers.sources.entry import Entry

ZH = Path(__file__).parent / "resources" / "zh"
EXPECTED: dict[str, dict] = json.loads((ZH / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(EXPECTED)
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
WIDE = HAN + "\u3000-\u303f\uff01-\uff60"
# A space between two Chinese characters or full-width marks: never in the pages' text.
STRAY_SPACE = re.compile(f"[{WIDE}][ \\t\\u00a0]+[{WIDE}]")
# What a wrong decoding leaves: replacement characters, Latin-1 letters and box-drawing or
# half-width katakana that UTF-8 / Big5 / GBK bytes turn into when read as another encoding.
MOJIBAKE = re.compile("[\ufffd\u00c0-\u00ff\u2500-\u257f\uff61-\uff9f]")


@pytest.fixture(scope="module", params=[False, True], ids=["full", "fast"])
def extracted(request: pytest.FixtureRequest) -> dict[str, Article]:
    return {
        p: extract_article((ZH / p).read_bytes(), f"http://127.0.0.1/{p}", fast=request.param) for p in PAGES
    }


def test_pages_are_in_the_encodings_they_declare() -> None:
    big5, gb = (ZH / "big5_hant.html").read_bytes(), (ZH / "gb18030_hans.html").read_bytes()
    assert b'charset="big5"' in big5 and b"charset=gb18030" in gb
    for raw in (big5, gb):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    assert "㙟" in gb.decode("gb18030")  # outside GB2312 and GBK: only GB18030 has it
    with pytest.raises(UnicodeEncodeError):
        "㙟".encode("gbk")
    for name in ("utf8_undeclared_hans.html", "utf8_undeclared_hant.html"):
        raw = (ZH / name).read_bytes()
        assert b"charset" not in raw.lower()
        raw.decode("utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_text_is_the_whole_body_correctly_decoded(extracted: dict[str, Article], page: str) -> None:
    article = extracted[page]
    body = "\n".join(EXPECTED[page]["body"])
    assert word_recall(body, article.text) == 1.0, article.text
    assert not MOJIBAKE.search(article.text), MOJIBAKE.findall(article.text)
    assert article.title == EXPECTED[page]["title"]


@pytest.mark.parametrize("page", PAGES)
def test_no_space_between_chinese_characters(extracted: dict[str, Article], page: str) -> None:
    assert not STRAY_SPACE.search(extracted[page].text), STRAY_SPACE.findall(extracted[page].text)
    for paragraph in EXPECTED[page]["body"]:
        assert paragraph in extracted[page].text  # spaces the writer put (phone numbers) stay


@pytest.mark.parametrize("page", PAGES)
def test_no_boilerplate(extracted: dict[str, Article], page: str) -> None:
    assert leaked_boilerplate(EXPECTED[page]["boilerplate"], extracted[page].text) == []


@pytest.mark.parametrize("page", PAGES)
def test_lang_tells_traditional_from_simplified(extracted: dict[str, Article], page: str) -> None:
    assert extracted[page].lang == EXPECTED[page]["lang"]


def test_chinese_lang_rules() -> None:
    hant = "香港科技大學與應用科技研究院簽署合作備忘錄，雙方將在人工智能領域展開研究。"
    hans = "香港科技大学与应用科技研究院签署合作备忘录，双方将在人工智能领域展开研究。"
    neutral = "中文大學"  # no character that only one script writes
    assert chinese_lang("zh-CN", hant) == "zh-Hant"  # the text wins over a site-wide tag
    assert chinese_lang("zh-HK", hans) == "zh-Hans"
    assert chinese_lang("", hans) == "zh-Hans"
    assert chinese_lang("zh-TW", neutral) == "zh-Hant"  # the declaration decides when the text cannot
    assert chinese_lang("zh-Hans", neutral) == "zh-Hans"
    assert chinese_lang("zh", neutral) == "zh"
    assert chinese_lang("en-GB", hant) == "en-GB"  # another declared language is left to the classifier
    assert chinese_lang("", "An English page with no declaration at all.") == ""
    assert (
        chinese_lang("zh-HK", "This is an English page under the site-wide tag of the Chinese edition.")
        == "zh-HK"
    )


def test_wide_line_breaks_only() -> None:
    tree = fromstring(
        "<div><p>雙方\n將在\n人工智能</p><p>hello\nworld</p><p>한국\n사람</p><p>（完）\n</p></div>"
    )
    join_wide_line_breaks(tree)
    texts = [p.text for p in tree.iter("p")]
    assert texts == ["雙方將在人工智能", "hello\nworld", "한국\n사람", "（完）\n"]


def test_an_undeclared_chinese_page_with_a_latin_title_is_joined_title_included() -> None:
    """No lang attribute and an English <title>: the body's own characters tell it is Chinese;
    and a headline broken over two source lines is joined like the text."""
    paragraphs = "".join(
        f"<p>第{i}段：香港科技大學今日與應用科技研究院簽署合作備忘錄，雙方將在人工智能及半導體方面合作，"
        f"共同培育臨床研究\n及人才培訓。</p>"
        for i in range(6)
    )
    page = f"<html><head><title>HKUST News Centre</title></head><body><article>{paragraphs}</article></body></html>"
    article = extract_article(page.encode(), "http://news.example.hk/a", fast=True)
    assert "臨床研究及人才培訓" in article.text and "臨床研究 及" not in article.text
    titled = page.replace("<html>", '<html lang="zh-HK">').replace("HKUST News Centre", "科大\n新聞")
    assert extract_article(titled.encode(), "http://news.example.hk/b", fast=True).title == "科大新聞"


def test_min_text_is_counted_by_script() -> None:
    """200 Latin characters, or about 67 Chinese ones: both are two or three sentences."""
    assert content_length("a" * 150) == 150 < MIN_TEXT_CHARS
    assert content_length("科" * 70) == 210 >= MIN_TEXT_CHARS
    assert content_length("科技 tech") == 3 * 2 + 5
    template = (
        "<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{b}</p></article></body></html>"
    )
    release = "香港科技大學今日與本地一家醫院簽署合作備忘錄，雙方將在臨床研究及人才培訓方面加強合作，首批項目明年展開。雙方亦會每年舉行一次學術研討會，分享研究成果。"
    assert len(release) < MIN_TEXT_CHARS <= content_length(release)
    article = extract_article(
        template.format(t="科大簽署合作備忘錄", b=release).encode(), "http://127.0.0.1/a"
    )
    assert release in article.text
    with pytest.raises(ExtractError, match="too short"):
        extract_article(
            template.format(t="短訊", b="科大今日與醫院簽署備忘錄。").encode(), "http://127.0.0.1/b"
        )
    with pytest.raises(ExtractError, match="too short"):  # English: the floor is as before
        extract_article(template.format(t="Short", b="x " * 60).encode(), "http://127.0.0.1/c")


FRENCH = (
    "<html lang='fr'><head><title>Deux universités signent un accord de coopération</title></head><body>"
    "<article><h1>Deux universités signent un accord de coopération</h1>"
    "<p>Les deux universités ont signé mardi un protocole d'accord pour développer des programmes de "
    "recherche communs dans le domaine de l'intelligence artificielle et de la santé.</p>"
    "<p>Selon le président, cette coopération permettra aux étudiants de suivre une partie de leur "
    "formation dans l'autre établissement et de participer à des projets avec des entreprises.</p>"
    "</article></body></html>"
)


def _entry(site: Site, path: str, n: int) -> Entry:
    url = site.url(path)
    return Entry(
        id=f"zh-{n}", feed="zh", link=url, url=url, title=path, published="2026-01-02", content_hash="h"
    )


@pytest.mark.timeout(60)
def test_pipeline_writes_lang_and_classified(
    site: Site, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    """Through the real task: Chinese pages labelled with their script, a French page marked
    unsupported (no confident label); status counts them and tail prints JSON values."""
    for page in PAGES:
        site.add(f"/zh/{page}", (ZH / page).read_bytes())
    site.add("/fr/accord.html", FRENCH)
    paths = [f"/zh/{p}" for p in PAGES] + ["/fr/accord.html"]
    with worker_context(redis_url, classify=True):
        from workers.tasks import process_items

        result = process_items([_entry(site, p, n).to_dict() for n, p in enumerate(paths)])
    assert result["emitted"] == len(paths), result
    items = {e.fields["url"].rsplit("/", 1)[-1]: e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)}
    for page in PAGES:
        fields = items[page]
        assert fields["lang"] == EXPECTED[page]["lang"]
        assert fields["classified"] == "ok"
        assert fields["label"] != "other" and fields["evidence"], (
            fields
        )  # each page is an mou/fund/event/ranking
    assert items["big5_hant.html"]["label"] == "mou"
    assert items["gb18030_hans.html"]["label"] == "fund"
    french = items["accord.html"]
    assert (french["lang"], french["classified"], french["label"]) == ("fr", "unsupported-language", "other")
    assert set(json.loads(french["scores"]).values()) == {0.0}

    report = status.collect(redis, parse_settings("feeds: []\n", environ={"REDIS_URL": redis_url}))
    assert report["classified"]["by_status"]["ok"] == len(PAGES)
    assert report["classified"]["by_status"]["unsupported-language"] == 1
    assert f"{len(PAGES)} ok, 1 unsupported-language, 0 too-short; not labelled, by language: fr 1" in (
        status.render(report)
    )

    from workers.cli import main

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["tail", "--feeds", str(feeds), "--redis-url", redis_url, "--count", "9"])
    assert out.exit_code == 0, out.output
    printed = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(printed) == len(paths)
    for entry in printed:
        assert isinstance(entry["labels"], list) and isinstance(entry["scores"], dict)
        assert isinstance(entry["evidence"], str) and isinstance(entry["lang"], str)
