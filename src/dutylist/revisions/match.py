"""Pairing the items of two versions of the list that are the same item."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence

from dutylist.model import Duty
from dutylist.revisions.chardiff import similarity
from dutylist.revisions.types import field_text

SAME_ID_SIMILARITY = 0.5


SAME_LIST_SIMILARITY = 0.6


def _norm(name: str) -> str:
    """A name as compared for matching: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _body(duty: Duty) -> str:
    texts = (field_text(duty, name) for name in ("upper_duties", "township_duties"))
    return "\n".join(t for t in texts if t)


class _Text:
    """A text with what the cheap upper bounds of its difflib ratio need, computed once."""

    __slots__ = ("text", "counts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.counts = Counter(text)

    def ratio_at_least(self, other: _Text, threshold: float) -> float:
        """difflib's ratio, or 0.0 as soon as it is sure to be below ``threshold``."""
        total = len(self.text) + len(other.text)
        if not total:
            return 1.0
        if 2 * min(len(self.text), len(other.text)) / total < threshold:
            return 0.0
        if 2 * sum((self.counts & other.counts).values()) / total < threshold:
            return 0.0
        ratio = similarity(self.text, other.text)
        return ratio if ratio >= threshold else 0.0


class _Profile:
    """An item's name and body, ready to be compared many times."""

    __slots__ = ("name", "body")

    def __init__(self, duty: Duty) -> None:
        self.name = _Text(_norm(duty.name))
        body = _body(duty)
        self.body = _Text(body) if body else None

    def similarity(self, other: _Profile, threshold: float) -> float:
        """How alike (the better of name and body), or 0.0 if below ``threshold``."""
        score = self.name.ratio_at_least(other.name, threshold)
        if self.body is not None and other.body is not None:
            score = max(score, self.body.ratio_at_least(other.body, max(threshold, score)))
        return score


Pair = tuple[Duty, Duty]


def match_items(old: Sequence[Duty], new: Sequence[Duty]) -> list[Pair]:
    """Pair the items of two versions that are the same item.

    In this order: the same name in the same list; the same name in another
    list (a move); the same id, if the two are alike; then, within a list,
    the most alike of what is left. Names are compared after NFKC and
    without whitespace.
    """
    pairs: list[Pair] = []
    old_left = list(old)
    new_left = list(new)
    profiles: dict[int, _Profile] = {}

    def profile(duty: Duty) -> _Profile:
        found = profiles.get(id(duty))
        if found is None:
            found = profiles[id(duty)] = _Profile(duty)
        return found

    def pair_by(key: Callable[[Duty], object]) -> None:
        nonlocal old_left, new_left
        waiting: dict[object, deque[Duty]] = defaultdict(deque)
        for duty in old_left:
            waiting[key(duty)].append(duty)
        paired_old: set[int] = set()
        rest: list[Duty] = []
        for duty in new_left:
            queue = waiting.get(key(duty))
            if queue:
                match = queue.popleft()
                paired_old.add(id(match))
                pairs.append((match, duty))
            else:
                rest.append(duty)
        new_left = rest
        old_left = [d for d in old_left if id(d) not in paired_old]

    pair_by(lambda d: (d.list, _norm(d.name)))
    pair_by(lambda d: _norm(d.name))
    # The same id, when the item is recognisably the same one edited.
    by_id = {d.id: d for d in old_left}
    rest: list[Duty] = []
    for duty in new_left:
        candidate = by_id.get(duty.id)
        if candidate is not None and profile(candidate).similarity(
            profile(duty), SAME_ID_SIMILARITY
        ):
            pairs.append((candidate, duty))
            del by_id[duty.id]
        else:
            rest.append(duty)
    new_left = rest
    old_left = [d for d in old_left if d.id in by_id]
    # Within a list, the most alike first.
    scored = sorted(
        (
            (score, i, j)
            for i, o in enumerate(old_left)
            for j, n in enumerate(new_left)
            if o.list == n.list
            and (score := profile(o).similarity(profile(n), SAME_LIST_SIMILARITY))
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old_left[i], new_left[j]))
    return pairs
