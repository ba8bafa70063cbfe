"""Did-you-mean suggestions for misspelt keys, values and link targets."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

# Similarity (0-100) below which a candidate is not offered as the likely intended word.
CUTOFF = 60


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to `word`, if any is close enough to be a likely typo."""
    return _closest(word, tuple(candidates))


@functools.lru_cache(maxsize=4096)
def _closest(word: str, originals: tuple[str, ...]) -> str | None:
    # Cached: a library's dangling links are the same from one check to the next.
    match = process.extractOne(
        utils.default_process(word), _processed(originals), scorer=fuzz.ratio,
        processor=None, score_cutoff=CUTOFF,
    )
    return originals[match[2]] if match else None


@functools.lru_cache(maxsize=8)
def _processed(candidates: tuple[str, ...]) -> list[str]:
    # A library's slugs are offered once per dangling link: normalise them once.
    return [utils.default_process(c) for c in candidates]


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest candidate, or an empty string."""
    if not isinstance(word, str):
        return ""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match and match != word else ""
