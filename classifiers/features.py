"""Text features for sentences: stemmed word n-grams plus a hand-written cue lexicon.

Why: five seed documents cannot teach the vocabulary of real newsrooms ("Series B",
"league table", "hackathon"). Light stemming makes "signs/signed/signing" one feature,
digit folding makes "54th" and "9th" one feature, and the lexicon (written by us, see
docs/classifier.md) gives the linear model phrase-level cues it could never learn from
the seeds alone. Everything here is a module-level function or a plain estimator so that
the artefact can be a plain array file. Cues match on token sets (not regexes) so scoring
a sentence costs a few set intersections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

from classifiers.language import fold

# A Latin word, or one Han character: Chinese has no spaces, so its units are characters, and
# ``analyze``'s word bigrams become character bigrams (docs/classifier.md says why not jieba).
_TOKEN = re.compile(r"[a-z0-9$€£¥]+(?:[-'][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DIGITS = re.compile(r"\d+")
_SUFFIXES = ("ings", "ing", "ed", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Tiny suffix stripper: enough to merge inflections without an NLP dependency."""
    if len(word) <= 4 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def raw_tokens(text: str, *, folded: bool = False) -> list[str]:
    """Lowercased words (Han characters one by one, folded to Simplified unless ``folded``
    says the text already is) with digits folded to 0, before stemming."""
    if not folded:
        text = fold(text)
    return _TOKEN.findall(_DIGITS.sub("0", text.lower().replace("\u2019", "'")))


def tokenize(text: str) -> list[str]:
    """Lowercase, fold digits to 0 and stem; used as the TfidfVectorizer tokenizer."""
    return [stem(t) for t in raw_tokens(text)]


def analyze(text: str) -> list[str]:
    """Stemmed unigrams and bigrams: the TF-IDF vocabulary units (fit and inference share this)."""
    tokens = tokenize(text)
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


# Cue lexicon, hand-written (not learned from any corpus). Each cue is (label, any-of, and-any-of):
# it fires when the sentence contains one of the first phrases and, if given, one of the second.
# Phrases are single words or two-word sequences; they are stemmed like the text.
CUES: tuple[tuple[str, str, str], ...] = (
    ("mou", "memorandum|memoranda|mou|mous|moa|loi|letter of|of intent|of understanding|of cooperation", ""),
    (
        "mou",
        "agreement|accord|pact|alliance|partnership|consortium|joint venture|tie-up",
        "sign|ink|seal|conclude|renew|forge|formalise|formalize|enter into|agree|struck|establish|extend",
    ),
    (
        "mou",
        "framework agreement|cooperation agreement|collaboration agreement|partnership agreement|"
        "strategic partnership|strategic alliance|strategic cooperation|bilateral agreement|twinning|"
        "sister-city|"
        "sister city|double degree|double-degree|licensing agreement|supply agreement|codeshare",
        "",
    ),
    ("mou", "join forces|team up|partner with|partnered with|collaborate|cooperate|co-operate", ""),
    (
        "mou",
        "under the|both sides|two sides|both parties|two parties|the partners|both institutions",
        "agreement|mou|memorandum|partnership|pact|accord|cooperation|collaboration|collaborate|cooperate",
    ),
    ("mou", "signing|signed|inked|signatory|signatories", ""),
    (
        "fund",
        "series a|series b|series c|series d|series e|seed round|pre-seed|seed funding|seed fund|"
        "funding round|financing round|investment round|angel|venture capital|co-invest|capital injection",
        "",
    ),
    (
        "fund",
        "raise|raised|raising|secure|secured|landed|bag|bagged",
        "million|billion|round|funding|financing|capital|investment|$0|€0|£0|¥0|bn",
    ),
    (
        "fund",
        "grant|subsidy|scholarship|endowment|endow|bursary|fellowship|voucher|stipend|prize money|prize pool|cash prize",
        "",
    ),
    ("fund", "donate|donation|donor|gift|pledge|bequest|philanthropist|philanthropy|crowdfunding", ""),
    (
        "fund",
        "fund|funding|funded|finance|financing|loan|investor|investment|invest|backer|budget|allocate|"
        "earmark|capital",
        "",
    ),
    ("fund", "$0|€0|£0|¥0|hk$0|usd|eur|gbp|rmb|yuan|euro|dollar|pound|rupee|yen|million|billion|bn", ""),
    (
        "event",
        "conference|forum|summit|expo|exhibition|fair|hackathon|symposium|workshop|seminar|webinar|"
        "congress|convention|festival|ceremony|open day|open house|roundtable|round-table|gala|bootcamp|"
        "masterclass|lecture|showcase|meetup|colloquium|reception|reunion|concert|marathon",
        "",
    ),
    (
        "event",
        "competition|contest|challenge|championship|tournament|olympiad|pitch day|demo day|"
        "career fair|job fair|race|drill|exercise|award ceremony|awards night",
        "",
    ),
    (
        "event",
        "delegation|study tour|trade mission|business mission|roadshow|official visit|working visit|"
        "state visit|courtesy call|site visit|tour|toured|visit|visited|visiting",
        "",
    ),
    (
        "event",
        "held|hosted|host|staged|organised|organized|organise|organize|co-organised|co-organized|"
        "convened|convene|took place|take place|takes place|kick off|kicked off|under way",
        "",
    ),
    (
        "event",
        "participant|delegate|attendee|visitor|exhibitor|speaker|panel|panelist|keynote|registration|"
        "attended|gathered|brought together|took part|participated|booth|ticket",
        "",
    ),
    ("event", "edition|annual|inaugural|biennial|anniversary|opening", ""),
    ("ranking", "rank|ranked|ranking|rankings|league table|standings|leaderboard", ""),
    # "index" is a ranking only with a placement next to it ("tops the index", "12th in the index"),
    # never alone: a consumer price index or a stock index is not a ranking.
    (
        "ranking",
        "index|indices",
        "0th|0st|0nd|0rd|top|tops|topped|first place|ranked|rank|place|position|placed|spot|out of",
    ),
    (
        "ranking",
        "0th|0st|0nd|0rd|top 0|top ten|top five|top three|top spot|top place|first place|second place|"
        "third place|number one|number two|no. 0",
        "",
    ),
    (
        "ranking",
        "list|league|rating|rated|scorecard|survey|yearbook|guide|quadrant|wave",
        "named|recognised|recognized|voted|listed|included|featured|placed|top|best|leading|ranked",
    ),
    (
        "ranking",
        "climb|climbed|rose|rise|rises|risen|moved up|move up|jump|jumped|slipped|fell|drop|dropped|"
        "ascend|ascended|retain|retained|tops|topped|leapt|improved",
        "place|spot|position|rank|table|0th|0st|0nd|0rd|top",
    ),
    (
        "ranking",
        "named|voted|recognised|recognized|certified|crowned|awarded|rated|ranked",
        "best|top|most|leading|gold|outstanding|finest",
    ),
    (
        "ranking",
        "best|most|leading|highest|top",
        "in the world|worldwide|globally|in the country|nationally|"
        "in europe|in asia|in africa|in the region|of the year",
    ),
    (
        "ranking",
        "gold medal|silver medal|bronze medal|best in|award-winning|award|prize|winner|won|wins|"
        "runner-up|honour|honor",
        "",
    ),
    # Chinese, written in Simplified characters (text is folded to Simplified first). Han
    # characters are tokens, so a phrase is matched by its last two characters: every phrase
    # below was chosen so that those two alone still mean it ("备忘录" -> "忘录").
    ("mou", "备忘录|意向书|谅解备忘录", ""),
    ("mou", "协议|协定|合约|联盟|合资", "签署|签订|签约|签定|缔结|续签|订立|达成"),
    ("mou", "签署|签订|签约|签字|签定|续签|缔结|姊妹|姐妹|携手|联手", ""),
    ("fund", "融资|募资|注资|风投|天使轮|种子轮|a轮|b轮|c轮|d轮|上市前", ""),
    ("fund", "资助|拨款|补助|津贴|奖学金|助学金|经费|配对", ""),
    ("fund", "捐赠|捐款|捐助|捐献|善款|慈善|冠名", ""),
    ("fund", "基金|资金|投资|贷款|预算|拨出|预留", ""),
    ("fund", "亿元|万元|港元|港币|美元|人民币|欧元|澳门元|新台币", ""),
    (
        "event",
        "会议|论坛|峰会|博览会|展览|研讨会|工作坊|讲座|典礼|仪式|开放日|嘉年华|音乐会|马拉松|展会|"
        "年会|交流会|分享会|大会|座谈会",
        "",
    ),
    ("event", "比赛|竞赛|大赛|挑战赛|锦标赛|黑客松|演习|路演", ""),
    ("event", "访问|到访|参观|考察|代表团|访问团|拜访|交流团|率团|巡礼", ""),
    ("event", "举办|举行|主办|合办|协办|召开|揭幕|开幕|闭幕|落幕|圆满|启动礼", ""),
    ("event", "参加者|参与者|嘉宾|与会|出席|参展商|观众|讲者|主讲|报名|人次|逾千", ""),
    ("event", "首届|周年|盛事", ""),
    ("ranking", "排名|排行|排行榜|榜单|名列|位列|位居|跻身|榜首|首位", ""),
    ("ranking", "冠军|亚军|季军|第一名|金奖|银奖|铜奖|金牌|银牌|铜牌|大奖|奖项|殊荣|嘉许", ""),
    ("ranking", "评为|获评|入选|荣登|获选|荣获|获奖|得奖|获颁|夺得|赢得|勇夺|摘得", ""),
    ("ranking", "十大|百强|最佳|领先|前列|之一", "全球|世界|亚洲|全国|全港|大中华|国际"),
)

CompiledCue = tuple[frozenset[str], frozenset[str]]


def _phrases(spec: str) -> frozenset[str]:
    """Stemmed phrases; longer ones keep their last two words (``analyze`` stops at bigrams)."""
    return frozenset(" ".join(tokenize(p)[-2:]) for p in spec.split("|") if p.strip())


@lru_cache(maxsize=8)
def compile_cues(cues: tuple[tuple[str, str, str], ...]) -> tuple[CompiledCue, ...]:
    """Stem every cue phrase once so matching is a set intersection with ``analyze`` output."""
    return tuple((_phrases(any_of), _phrases(and_of)) for _, any_of, and_of in cues)


def fired_cues(units: Iterable[str], compiled: Sequence[CompiledCue]) -> list[int]:
    """Indices of the cues that fire for a sentence, given its ``analyze`` units."""
    present = set(units)
    return [
        i
        for i, (first, second) in enumerate(compiled)
        if not first.isdisjoint(present) and (not second or not second.isdisjoint(present))
    ]
