"""Writes the Chinese test pages (run from the repository root; the pages are committed).

Three templates, three encodings, as Chinese newsrooms serve them: a Traditional Chinese
release declared Big5 (``<meta charset="big5">``, ``lang="zh-HK"``), a Simplified Chinese
release declared GB18030 (http-equiv, ``lang="zh-CN"``, with a character outside GB2312),
and a UTF-8 page that declares neither its charset nor its language (one Simplified, one
Traditional with a bare ``lang="zh"``). Paragraph sources wrap lines between Chinese
characters, as hand-edited CMS templates do. All text written by us.
``expected.json`` holds, per page, the body (its paragraphs), the title, the expected
``lang`` and boilerplate snippets that must not reach the extracted text.
"""
# ruff: noqa: RUF001  (Chinese text and punctuation are meant)

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

PAGES: dict[str, dict] = {
    "big5_hant.html": {
        "encoding": "big5",
        "meta": '<meta charset="big5">',
        "html_lang": ' lang="zh-HK"',
        "lang": "zh-Hant",
        "title": "科技大學與應用科技研究院簽署合作備忘錄",
        "site": "大學新聞網",
        "nav": ["首頁", "新聞稿", "活動日誌", "聯絡我們"],
        "sidebar": ["校園開放日本週六舉行", "圖書館暑期開放時間調整", "學生宿舍申請截止日期延長"],
        "footer": "版權所有 2025 大學傳訊及公共事務處 私隱政策 使用條款",
        "body": [
            "香港科技大學今日與香港應用科技研究院簽署合作備忘錄，雙方將在人工智能、微電子及"
            "金融科技三個範疇展開為期五年的研究合作。",
            "根據備忘錄，兩間機構將成立聯合實驗室，互派研究人員，並共同申請政府的研究資助。"
            "首批合作項目包括晶片設計自動化及以機器學習偵測金融詐騙。",
            "科大校長在簽署儀式上表示，是次合作能把大學的基礎研究與應科院的技術轉移經驗結合，"
            "加快研究成果落地。應科院行政總裁則指出，合作有助培育本地創科人才。",
            "傳媒查詢：傳訊及公共事務處陳小姐（電話：2358 0000）",
        ],
    },
    "gb18030_hans.html": {
        "encoding": "gb18030",
        "meta": '<meta http-equiv="Content-Type" content="text/html; charset=gb18030">',
        "html_lang": ' lang="zh-CN"',
        "lang": "zh-Hans",
        "title": "南沙科创园推出五亿元初创企业扶持基金",
        "site": "南沙科创园",
        "nav": ["首页", "园区动态", "政策服务", "联系我们"],
        "sidebar": ["园区举办人工智能沙龙", "第三季度入驻企业名单公示", "关于暂停部分停车场服务的通知"],
        "footer": "版权所有 © 2025 南沙科创园管理委员会 粤ICP备00000000号",
        "body": [
            "南沙科创园今日宣布推出规模五亿元的初创企业扶持基金，重点支持人工智能、生物医药和"
            "海洋科技领域的早期项目。",
            "基金将以股权投资和配套补贴相结合的方式运作，每个获选项目最高可获得二千万元投资。"
            "首批申请将于下月开始受理，由专家委员会评审。",
            "园区负责人表示，基金将与社会资本合作，吸引更多优秀团队落户南沙。首期出资由"
            "园区管委会和两家产业投资机构共同承担，其中一家来自浙江㙟头镇。",
        ],
    },
    "utf8_undeclared_hans.html": {
        "encoding": "utf-8",
        "meta": "",
        "html_lang": "",
        "lang": "zh-Hans",
        "title": "第五届大湾区青年创新论坛在广州开幕",
        "site": "",
        "nav": ["首页", "新闻中心", "活动", "关于我们"],
        "sidebar": ["青年创业补贴申请指南", "本周活动预告", "志愿者招募"],
        "footer": "Copyright © 2025 青年创新促进会 保留所有权利",
        "body": [
            "第五届粤港澳大湾区青年创新论坛今天在广州开幕，来自三地的八百多名青年创业者、投资人和学者出席。",
            "论坛为期两天，设有主旨演讲、圆桌对话和项目路演等环节。主办方还安排了企业参观，"
            "让参加者了解当地的创新生态。",
            "主办方介绍，本届论坛共收到三百多个路演项目报名，入围的三十个项目将在闭幕当天进行展示。",
        ],
    },
    "utf8_undeclared_hant.html": {
        "encoding": "utf-8",
        "meta": "",
        "html_lang": ' lang="zh"',
        "lang": "zh-Hant",
        "title": "本地大學在亞洲大學排名中上升至第五位",
        "site": "",
        "nav": ["主頁", "新聞中心", "排名資料庫", "聯絡我們"],
        "sidebar": ["新學年開學禮", "獎學金頒獎典禮花絮", "校友日活動回顧"],
        "footer": "© 2025 大學新聞處 網站地圖 無障礙瀏覽",
        "body": [
            "一所本地大學在最新公布的亞洲大學排名中上升三位，位列第五，是該校歷來最佳的成績。",
            "排名機構根據教學、研究、知識轉移及國際化等指標評分，該校在研究質素一項的得分較去年明顯提高。",
            "校長感謝全體師生的努力，並表示大學會繼續招聘優秀學者，提升研究水平。",
        ],
    },
}


def _wrap(paragraph: str, width: int = 28) -> str:
    """Break the source line after about ``width`` characters, between two Chinese characters,
    as many CMS editors do."""
    lines, line = [], ""
    for char in paragraph:
        if len(line) >= width and not line[-1].isascii() and not char.isascii():
            lines.append(line)
            line = ""
        line += char
    return "\n".join([*lines, line])


def render(spec: dict) -> str:
    nav = "".join(f'<li><a href="/{i}.html">{item}</a></li>' for i, item in enumerate(spec["nav"]))
    side = "".join(f'<li><a href="/news/{i}.html">{item}</a></li>' for i, item in enumerate(spec["sidebar"]))
    body = "\n".join(f"<p>{_wrap(p)}</p>" for p in spec["body"])
    site = f'<meta property="og:site_name" content="{spec["site"]}">' if spec["site"] else ""
    return f"""<!DOCTYPE html>
<html{spec["html_lang"]}>
<head>
{spec["meta"]}
<title>{spec["title"]}</title>
{site}
</head>
<body>
<header><nav class="main-nav"><ul>{nav}</ul></nav></header>
<div class="wrapper">
<div class="content">
<article>
<h1>{spec["title"]}</h1>
<p class="date">2025-06-26</p>
{body}
</article>
</div>
<aside class="sidebar"><h3>最新消息</h3><ul>{side}</ul></aside>
</div>
<footer><p>{spec["footer"]}</p></footer>
</body>
</html>
"""


def main() -> None:
    expected = {}
    for name, spec in PAGES.items():
        (HERE / name).write_bytes(render(spec).encode(spec["encoding"]))
        expected[name] = {
            "title": spec["title"],
            "body": spec["body"],
            "lang": spec["lang"],
            "boilerplate": [*spec["nav"], *spec["sidebar"], spec["footer"]],
        }
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
