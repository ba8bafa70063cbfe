"""Did-you-mean suggestions for misspelt keys, values and link targets."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

# Similarity (0-100) below which a candidate is not offered as the likely intended word.
CUTOFF = 60


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to `word`, if any is close enough to be a likely typo."""
    match = process.extractOne(
        word, candidates, scorer=fuzz.ratio, processor=utils.default_process,
        score_cutoff=CUTOFF,
    )
    return match[0] if match else None


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest candidate, or an empty string."""
    if not isinstance(word, str):
        return ""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match and match != word else ""
