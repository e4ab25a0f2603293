"""Headline rules: what the headline's main verb says the release is about.

Why: the primary label is what the headline announces, and a few verbs settle it far more
reliably than bag-of-words scores over the whole release: "appoints X as CEO" is an
appointment even at a venture-capital firm; "raises $14 million" is a funding story even
when the headline also mentions a top-100 list; "wins award at gala" is a ranking, not an
event. Rules are hand-written (not learned) and checked in a fixed priority order; a
headline that matches none leaves the decision to the sentence model. Future or
conditional agreements ("expected to sign") never count as signed.
"""
# ruff: noqa: RUF001  (Chinese text and punctuation are meant: full-width marks are not typos)

from __future__ import annotations

import re

from classifiers import OTHER
from classifiers.language import fold, sentence_is_chinese

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
        r"\b(?:to step down|steps down|stepping down|resigns?|resignation|"
        r"successor|succeeds?|obituary|dies|died|passes away|passed away|mourns?|in memoriam|tribute to)\b",
        _F,
    ),
    # Retiring is a person's news; "retirement savings fund" is not: the verb ("X retires", "to
    # retire") or the noun with a person or post beside it ("announces retirement", "dean's retirement").
    re.compile(
        r"\b(?:retires|retiring|to retire|will retire)\b|"
        r"\b(?:announces?|announced|his|her|their|upcoming|plans?)\s+retirement\b|"
        r"\b(?:retirement|retired)\s+(?:of|as)\b|"
        + _ROLE
        + r"\b[^.;:]{0,30}\bretire(?:s|d|ment)?\b(?!\s+(?:savings|funds?|pensions?|plans?|accounts?|schemes?|"
        r"income|age|benefits?|system|village|homes?|security|products?))",
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


# Chinese headlines, in Simplified characters (the title is folded first). The same labels in
# the same order; Chinese puts the verb before its object with no spaces, so the rules are
# verb ... noun within a few characters.
_ZH_MONEY = r"(?:\d[\d.,]*\s*(?:亿|万|元)|[一二三四五六七八九十百千两]+(?:亿|万)|(?:港|美|欧|澳门|新台)元|港币|人民币|\$)"
_ZH_ROLE = r"(?:院长|校长|副校长|主席|总裁|行政总裁|首席|董事|总监|主任|署长|局长|总经理|理事|秘书长|司长|会长|大使|ceo)"
_ZH_PERSON = _ZH_ROLE[3:-1] + r"|教授|博士|先生|女士|部长|总理|法官|创办人|创始人|校董|(?<!其)他|她"
# What makes 退休 a pension, not a person's news ("董事会通过退休金计划").
_ZH_PENSION = r"(?!保障|金|基金|计划|福利|人士|人员|长者|生活|年龄|政策|制度|储蓄|保险)"
_ZH_OTHER_RULES = [
    re.compile(r"(?:委任|任命|聘任|出任|获委任|接任|履新|上任|当选|选出|宣布委任)[^。；：]{0,20}" + _ZH_ROLE),
    re.compile(r"新任[^。；：]{0,8}" + _ZH_ROLE),
    re.compile(r"逝世|辞世|病逝|离世|悼念|讣告|辞任|辞职|卸任|永别|荣休"),
    # 退休 alone is also a pension ("退休保障基金"): a person or post must be beside it.
    re.compile(
        r"(?:"
        + _ZH_PERSON
        + r")[^。；：，]{0,8}退休"
        + _ZH_PENSION
        + r"|退休(?:的|之)?(?:"
        + _ZH_PERSON
        + r")"
    ),
    re.compile(
        r"(?:季度|中期|全年|年度|上半年|下半年|首季|第[一二三四]季)[^。；：]{0,12}(?:业绩|盈利|收入|营收|利润|亏损|纯利)"
    ),
    re.compile(r"(?:公布|录得|发布)[^。；：]{0,12}(?:业绩|盈利|营收|纯利|亏损|股息)"),
    re.compile(
        r"消费物价|物价指数|通胀|通货膨胀|失业率|生产总值|采购经理|零售业总销|"
        r"(?:物价|出口|进口|楼价|租金)[^。；：]{0,4}(?:上升|下跌|上涨|回落|增长|下降)"
    ),
    re.compile(r"召回|回收[^。；：]{0,6}(?:产品|批次)|数据外泄|资料外泄|网络攻击|系统故障"),
    re.compile(r"收购|并购|合并"),
    re.compile(r"(?:研究|团队|科学家|调查|学者)[^。；：]{0,20}(?:发现|显示|揭示|证实|揭开)"),
]
_ZH_FUND_RULES = [
    re.compile(
        r"(?:获得?|完成|筹得|募得|取得|录得|获批|获颁|赢得|筹集|募集)[^。；：]{0,20}"
        r"(?:融资|投资|资助|拨款|奖学金|捐款|捐赠|" + _ZH_MONEY + r"|[a-f]轮|天使轮|种子轮)"
    ),
    # Verbs that give money: an amount is enough.
    re.compile(
        r"(?:拨款|拨出|预留|捐赠|捐出|捐款|捐资|资助|注资|批出|投放|斥资)[^。；：]{0,20}"
        r"(?:基金|资助计划|拨款|奖学金|资金|捐款|贷款|配对|" + _ZH_MONEY + r")"
    ),
    # Verbs that launch anything (a phone "售价三千元" too): only with a fund noun.
    re.compile(
        r"(?:推出|设立|成立|宣布|批准|设|开设)[^。；：]{0,20}"
        r"(?:基金|资助|拨款|奖学金|助学金|资金|捐款|捐赠|贷款|配对|融资|投资计划)"
    ),
    re.compile(r"捐赠|捐款|捐助|慈善捐|奖学金|助学金|[a-f]轮融资|天使轮|种子轮|融资"),
]
_ZH_RANKING_RULES = [
    re.compile(r"排名|排行榜|榜单|名列|位列|位居|榜首|跻身"),
    re.compile(
        r"(?:获|荣获|夺得|赢得|勇夺|囊括|摘得|获颁|夺|摘|捧走)[^。；：]{0,20}"
        r"(?:奖|冠军|亚军|季军|金牌|银牌|铜牌|殊荣|荣誉|嘉许|第一)"
    ),
    re.compile(r"(?:评为|获评|入选|荣登|获选|选为)[^。；：]{0,20}(?:最佳|十大|百强|之一|前|领先|领导者|榜)"),
    re.compile(r"十大|百强|五十强|最佳雇主|全球前|世界前|亚洲前|全国前"),
]
_ZH_MOU_RULES = [
    re.compile(
        r"(?:签署|签订|签约|签定|缔结|续签|达成|订立|签)[^。；：]{0,30}"
        r"(?:备忘录|协议|协定|合约|意向书|合作|姊妹|姐妹|联盟)"
    ),
    re.compile(r"(?:结成|结为|组成|建立)[^。；：]{0,10}(?:联盟|伙伴关系|姊妹|姐妹)"),
    re.compile(r"备忘录|框架协议|合作协议|缔结姊妹|意向书|携手合作|联手|合资|签约"),
]
# Both scripts written out (not folded first): this runs on every sentence holding 签/簽.
# A modal verb, then only time words or short adverbs ("将于下月", "拟在明年上半年"), or a
# partner ("将与…"), then the signing verb. 将 of the place name 将军澳 is no modal; 计划 is a
# verb ("plans to") only when a time word follows it ("计划于明年"), not the noun "programme"
# ("就联合培养计划签署", "资助计划").
_ZH_TIME = r"[于於在明下上半本今年月内內底中旬日周週期星稍后後近即将將正式共同再届屆时時会會可一二三四五六七八九十0-9]"
_ZH_FUTURE = re.compile(
    r"(?:[将將](?![军軍]澳)|[拟擬]|(?<![就的该該])[计計][划劃](?=" + _ZH_TIME + r")|[预預][计計]|有望|"
    r"[准準][备備]|[预預]期|商[讨討]|[洽][谈談])"
    r"" + _ZH_TIME + r"{0,6}(?:[与與和同跟][^。；：，]{1,15}?)?(?:[签簽][署订訂约約]|[缔締][结結])"
)
_ZH_EVENT_NOUN = (
    r"(?:论坛|峰会|博览会|展览|研讨会|开放日|典礼|大赛|比赛|竞赛|马拉松|嘉年华|工作坊|讲座|会议|大会|"
    r"展会|交流会|音乐会|黑客松|代表团|访问团)"
)
_ZH_PRODUCT = re.compile(
    r"(?:推出|发布|推介|亮相|展示|揭晓|上市|推出新)[^。；：]{0,12}"
    r"(?:新品|产品|系统|平台|应用程序|应用|app|服务|机械人|机器人|芯片|手机|车型|型号|软件|版本)"
)
_ZH_EVENT_RULES = [
    # Not 欢迎 ("welcomes the bill"); a visit, not a visit count (访问量, 到访人次, 参观人数).
    re.compile(r"举办|举行|主办|召开|开幕|揭幕|闭幕|圆满结束|落幕|率团|考察"),
    re.compile(r"(?:到访|参观)(?!人次|人数|量|次数)|访问团|(?:出|拜|回|互|正式|率团|率领代表团)访问"),
    re.compile(
        r"访问(?!量|次|人次|人数|率|速度|权|数据|记录|网站|页面|平台)[^。；：，]{0,12}?"
        r"(?:国|省|市|京|沪|港|澳|台|州|岛|县|区|城|镇|村|大学|学院|学校|中学|小学|公司|总部|企业|园|基地|"
        r"中心|机构|医院|实验室|研究院|研究所|博物馆|工厂|社区|欧洲|亚洲|非洲|美洲|东盟|中东|湾区|内地|海外)"
    ),
    re.compile(_ZH_EVENT_NOUN),
]


def future_agreement(text: str) -> bool:
    """True when an agreement is only expected, planned or conditional ("expected to sign")."""
    low = text.lower()  # cheap pre-check: this runs on every sentence
    if any(v in low for v in _FUTURE_VERBS) and bool(_FUTURE.search(text)):
        return True
    return not text.isascii() and ("签" in text or "簽" in text) and bool(_ZH_FUTURE.search(text))


def _chinese_headline_label(title: str) -> str | None:
    title = fold(title).lower()
    if any(r.search(title) for r in _ZH_OTHER_RULES):
        return OTHER
    if any(r.search(title) for r in _ZH_FUND_RULES):
        return "fund"
    if any(r.search(title) for r in _ZH_RANKING_RULES):
        return "ranking"
    if not _ZH_FUTURE.search(title) and any(r.search(title) for r in _ZH_MOU_RULES):
        return "mou"
    product = _ZH_PRODUCT.search(title)
    if product and not re.search(_ZH_EVENT_NOUN, title[: product.start()]):
        return OTHER
    if any(r.search(title) for r in _ZH_EVENT_RULES):
        return "event"
    return None


def headline_label(title: str) -> str | None:
    """The primary label the headline's main verb announces, or ``None`` to let the model decide."""
    if not title:
        return None
    if sentence_is_chinese(title):
        return _chinese_headline_label(title)
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
