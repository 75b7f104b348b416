"""The document's own vocabulary: which character runs are words (pure, standard library).

Chinese has no spaces, and FTS5 does not segment it, so the words of the
list are found at build time (:func:`extract`): the text is cut by jieba's
dictionary segmentation (the field's standard segmenter; build time only),
and department names, synonym keys and targets and the categories are words
by definition. The vocabulary is stored in the database with a weight, and
used at query time:

* :func:`segment` cuts a spoken question (我家狗咬人了找谁) into the words the
  vocabulary knows, by forward and backward maximum matching, and drops the
  filler (我, 家, 了, 找谁 …) that neither helps nor hurts;
* :func:`crossing` tells whether a match of a query word straddles two words
  of the text (民政 in 人民政府: 人民 and 政府 cross both of its edges).

Nothing here touches the database; callers look words up (an indexed
``IN`` query) and pass the known ones in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

MIN_WORD = 2
MAX_WORD = 6
"""Vocabulary n-grams are 2–6 characters; seeded words may be longer."""

MAX_LOOKUP = 12
"""Longest substring of a query looked up in the vocabulary (department names are long)."""

SAMPLE_CHARS = 500_000
"""Words are taken from at most this many characters of distinct text (a county's
worth of lists repeats the same vocabulary; segmenting all of it would only cost time)."""

# Weights: seeded words rank above statistical ones when several words share a key.
WEIGHT_DEPARTMENT = 1_000_000
WEIGHT_SYNONYM_KEY = 800_000
WEIGHT_NAME = 600_000
WEIGHT_SYNONYM_TARGET = 400_000
WEIGHT_CATEGORY = 400_000

# Words of a spoken question that carry no subject: they are cut out of a query
# (segmented as words so that 怎么办 is one piece) and never make a near miss.
# The people around the asker (老板, 邻居, 儿子) are context, not what is asked about.
FILLER: frozenset[str] = frozenset(
    """
    我 我们 我家 咱 咱们 俺 你 你们 您 他 她 他们 自己 家 家里 想 想要 要 需要 想问 请问 问
    问一下 了 吗 呢 吧 啊 呀 嘛 的 地 得 着 过 是 有 在 和 与 跟 给 把 被 让 就 都 还 也 又 才
    很 太 去 来 到 从 怎么办 怎么 怎样 怎么样 如何 咋 咋办 咋整 为什么 为啥 什么 啥 哪 哪里 哪儿
    哪个 哪些 哪家 去哪 在哪 在哪里 谁 找谁 谁管 归谁管 由谁 谁负责 管不管 能不能 能否 可不可以
    可以 能 会 该 应该 是不是 有没有 要不要 办 办理 申请 手续 流程 怎么弄 弄 搞 一下 现在 如果
    时候 已经 这个 那个 这 那 个 些 一个 部门 哪个部门 什么部门 单位 哪个单位 窗口 材料 需要什么
    多少 多久 几天 情况 问题 事 事情 相关 不 没 没有 别 别人 有人 没人 人家 大家 人 老是 总是
    经常 到处 一直 好几 几 好 都 还是 或者 而且 但是 可是 因为 所以 然后 这样 那样 这里 那里
    这儿 那儿 里 上 下 中 吃 做 说 看 找 拿 用 帮 帮忙 可 以 得了 行 行不行 对不对 管 处理 解决
    报给 联系 打电话 电话
    老板 邻居 隔壁 儿子 爸 爸爸 妈 妈妈 父亲 母亲 老公 老婆 丈夫 妻子 媳妇 爷爷 奶奶 哥哥 姐姐
    弟弟 妹妹 家人 亲戚 朋友 同事 同学 老乡 偷偷
    """.split()
)

# Words too general to make a near miss on their own (they occur in most items).
GENERIC: frozenset[str] = frozenset(
    """
    办理 工作 管理 服务 负责 开展 组织 落实 相关 有关 事项 情况 问题 部门 单位 人员 群众
    工作人员 本乡 乡镇 乡政府 县 村 村级 各村 配合 协助 做好 加强 推进 建设 实施 制度 机制 宣传
    监督 检查 指导 申请 审核 审批 报送 上报 提供 信息 材料 资料 政策 规定 要求 依法 按照 及时
    有效 全面 日常 其他 个人 报告 发现 接到 免费 回来 进行 时间 地方 东西 钱 费用 记录 证明 登记
    办法 标准 内容 结果
    """.split()
)


# Characters that end a noun and make it another thing (居住 → 居住证, 服务 → 服务员,
# 医疗 → 医疗费): left after a word of the document, such a character is not a stray
# to drop, it names what the question is about. The question then asks about a
# word the document does not have (居住证), not about the word it has (居住).
HEADS: frozenset[str] = frozenset("证 卡 员 费 税 险 票 照 号 师 商 款".split())


def is_head(char: str) -> bool:
    return char in HEADS


def is_filler(word: str) -> bool:
    return word in FILLER


def is_generic(word: str) -> bool:
    """A filler or generic word: never enough for a near miss on its own."""
    return word in GENERIC or word in FILLER or len(word) < 2


def extract(
    texts: Iterable[str],
    *,
    seeds: Mapping[str, int] | None = None,
    sample_chars: int = SAMPLE_CHARS,
    names: Collection[str] = (),
) -> dict[str, int]:
    """Words of the document with a weight (higher = more important). Build time only.

    The distinct ``texts`` (names, departments, steps; up to ``sample_chars``
    characters) are cut into words by jieba's dictionary segmentation. The
    ``seeds`` (departments, synonyms, categories) are words with at least their
    own weight, and so are their parts. A word's weight is its number of
    occurrences. Only words of two or more characters are kept, and seeds.

    Words of the list that jieba's dictionary does not have come out as a word
    and a stranded character (公 | 租房). Such a pair is a word too when it
    occurs at least twice, holds at least half of the character's stranded
    occurrences (so 的 | 日常 never is) and is printed in an item's name
    (``names``: what the items are about): 公租房, 名录库.
    """
    import re

    tokenizer = _jieba_tokenizer()
    seeds = dict(seeds or {})
    # Runs of characters that are neither ASCII nor punctuation (as textsearch.segments).
    runs = re.compile(r"[^\W0-9A-Za-z_]+")
    counts: Counter[str] = Counter()
    stranded: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()  # (pair, its stranded character)
    seen: set[str] = set()
    budget = sample_chars
    for text in texts:
        if budget <= 0:
            break
        if text in seen:
            continue
        seen.add(text)
        budget -= len(text)
        for run in runs.findall(text):
            cut = list(tokenizer.cut(run, HMM=True))
            counts.update(w for w in cut if len(w) >= MIN_WORD)
            _stranded_pairs(cut, stranded, pairs)
    words = dict(counts)
    for (pair, char), count in pairs.items():
        if count >= 2 and 2 * count >= stranded[char] and any(pair in name for name in names):
            words[pair] = max(words.get(pair, 0), count)
    for word, weight in seeds.items():
        words[word] = max(words.get(word, 0), weight)
        # The parts of a seed are words too (拖欠 and 工资 of 拖欠农民工工资).
        for part in tokenizer.cut(word, HMM=False):
            if len(part) >= MIN_WORD and part != word:
                words.setdefault(part, 1)
    return words




def _stranded_pairs(
    cut: list[str], stranded: Counter[str], pairs: Counter[tuple[str, str]]
) -> None:
    """Count the single characters of a cut and each with the word before or after it."""
    for index, piece in enumerate(cut):
        if len(piece) != 1:
            continue
        stranded[piece] += 1
        if index > 0 and 2 <= len(cut[index - 1]) <= 3:
            pairs[(cut[index - 1] + piece, piece)] += 1
        if index + 1 < len(cut) and 2 <= len(cut[index + 1]) <= 3:
            pairs[(piece + cut[index + 1], piece)] += 1


def _jieba_tokenizer() -> Any:
    import logging
    import shutil
    import tempfile
    import warnings

    with warnings.catch_warnings():  # jieba imports pkg_resources where setuptools has it
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # Keep jieba's dictionary cache out of the shared temporary folder.
    tokenizer.tmp_dir = tempfile.mkdtemp(prefix="dutylist-jieba-")
    try:
        tokenizer.initialize()
    finally:
        shutil.rmtree(tokenizer.tmp_dir, ignore_errors=True)
    return tokenizer


def _jieba_freq(tokenizer: Any, word: str) -> int:
    return int(tokenizer.FREQ.get(word, 0) or 0)


def substrings(text: str, longest: int = MAX_LOOKUP) -> set[str]:
    """Every substring of ``text`` up to ``longest`` characters (the candidates to look up)."""
    found: set[str] = set()
    size = len(text)
    for i in range(size):
        for j in range(i + 1, min(size, i + longest) + 1):
            found.add(text[i:j])
    return found


def _forward(run: str, known: Collection[str], longest: int) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    i = 0
    while i < len(run):
        for j in range(min(len(run), i + longest), i, -1):
            if j - i >= 1 and run[i:j] in known:
                pieces.append((run[i:j], True))
                i = j
                break
        else:
            pieces.append((run[i], False))
            i += 1
    return pieces


def _backward(run: str, known: Collection[str], longest: int) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    j = len(run)
    while j > 0:
        for i in range(max(0, j - longest), j):
            if run[i:j] in known:
                pieces.append((run[i:j], True))
                j = i
                break
        else:
            pieces.append((run[j - 1], False))
            j -= 1
    pieces.reverse()
    return pieces


def _cost(
    pieces: list[tuple[str, bool]], prefer: Collection[str]
) -> tuple[int, int, int, int]:
    unknown = sum(1 for _, k in pieces if not k)
    singles = sum(1 for w, k in pieces if k and len(w) == 1)
    preferred = sum(1 for w, k in pieces if k and w in prefer)
    return (unknown, len(pieces), singles, -preferred)


def segment(
    run: str,
    known: Collection[str],
    longest: int = MAX_LOOKUP,
    prefer: Collection[str] = (),
) -> list[tuple[str, bool]]:
    """Cut a run of Chinese into (piece, known) by maximum matching over ``known`` words.

    Forward and backward maximum matching are both tried; the one with fewer
    unknown characters, then fewer pieces, then fewer single characters, then
    more ``prefer`` words (synonym keys: 盖房|子 rather than 盖|房子) wins,
    backward on a tie, as is usual for Chinese. Consecutive unknown characters
    are joined into one piece. Filler words count as known (pass them in
    ``known``) so that 怎么办 is cut as one piece; drop them afterwards with
    :func:`is_filler`.
    """
    if not run:
        return []
    forward = _forward(run, known, longest)
    backward = _backward(run, known, longest)
    best = forward if _cost(forward, prefer) < _cost(backward, prefer) else backward
    joined: list[tuple[str, bool]] = []
    for text, ok in best:
        if not ok and joined and not joined[-1][1]:
            joined[-1] = (joined[-1][0] + text, False)
        else:
            joined.append((text, ok))
    return joined


def crossing(text: str, start: int, end: int, known: Collection[str]) -> bool:
    """Whether the match ``text[start:end]`` straddles words of ``text``.

    A match straddles when one known word runs into it from the left (starts
    before ``start`` and ends inside the match) and another runs out of it to
    the right: 民政 in 人民政府 (人民 | 政府), 入学 in 深入学习 (深入 | 学习).
    A match inside one longer word (低保 in 低保家庭) does not straddle.
    """
    if end - start < 2:
        return False
    from_left = any(
        text[i:j] in known
        for i in range(max(0, start - MAX_WORD + 1), start)
        for j in range(start + 1, end)
    )
    if not from_left:
        return False
    return any(
        text[i:j] in known
        for i in range(start + 1, end)
        for j in range(end + 1, min(len(text), i + MAX_WORD) + 1)
    )


def crossing_candidates(text: str, start: int, end: int) -> set[str]:
    """The substrings :func:`crossing` may look up for one match (for a batched lookup)."""
    found: set[str] = set()
    for i in range(max(0, start - MAX_WORD + 1), start):
        for j in range(start + 1, end):
            found.add(text[i:j])
    for i in range(start + 1, end):
        for j in range(end + 1, min(len(text), i + MAX_WORD) + 1):
            found.add(text[i:j])
    return found
