"""Democratic appraisal (民主测评): votes 优秀 / 称职 / 基本称职 / 不称职 tallied into counts, percentages and a
score usable as an indicator value.

score = (100 x excellent + 80 x competent + 60 x basically competent + 0 x incompetent) / votes, so a subject
all rated 称职 scores 80 and one vote of 不称职 weighs against it fully. With no vote there is no score (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The votes, best first, with the points each gives.
VOTES = ("excellent", "competent", "basic", "incompetent")
POINTS = {"excellent": 100.0, "competent": 80.0, "basic": 60.0, "incompetent": 0.0}


@dataclass(frozen=True)
class Tally:
    """One subject's votes: counts and percentages by vote (best first), and the score."""

    counts: tuple[int, ...]
    shares: tuple[float, ...]
    score: float | None

    @property
    def votes(self) -> int:
        return sum(self.counts)


def tally(votes: Iterable[str]) -> Tally:
    """Count ``votes`` (each one of ``VOTES``) into percentages and the score.

    >>> t = tally(["excellent", "competent", "competent", "basic"])
    >>> t.counts, t.shares, t.score
    ((1, 2, 1, 0), (25.0, 50.0, 25.0, 0.0), 80.0)
    >>> tally([]).score is None
    True
    >>> tally(["maybe"])
    Traceback (most recent call last):
    ...
    ValueError: 'maybe' is not a vote (excellent, competent, basic, incompetent)
    """
    counts = dict.fromkeys(VOTES, 0)
    for v in votes:
        if v not in counts:
            raise ValueError(f"{v!r} is not a vote ({', '.join(VOTES)})")
        counts[v] += 1
    n = sum(counts.values())
    if n == 0:
        return Tally(tuple(counts.values()), (0.0,) * len(VOTES), None)
    shares = tuple(round(100 * counts[v] / n, 2) for v in VOTES)
    return Tally(tuple(counts.values()), shares, round(sum(POINTS[v] * counts[v] for v in VOTES) / n, 4))
