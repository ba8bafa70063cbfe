"""Near-duplicate detection: patterns whose names or summaries say the same thing.

Two signals, both offline and cheap enough for thousands of patterns:

- names: a title against the other pattern's title or aliases (two aliases alone are not
  compared: libraries often list one umbrella alias on several patterns). Names are compared
  as sorted words without stop words or plural endings, so "Multi-Factor Authentication
  (MFA)" and "Multi Factor Authentication" match; a pair needs a similarity of at least
  NAME_CUTOFF and every word of the shorter name matched in the longer one ("Design
  Thinking" and "Life Design Thinking" differ by a word and are not flagged);
- summaries: the share of distinct content words two summaries have in common (Jaccard).

Candidates come from an index rather than from comparing every pair: a name can only match
names that hold its rarest word, and a summary only summaries that share a word of its
"prefix" (the AllPairs set-similarity join), so the result is the same as comparing all pairs.
Pairs that already link to each other are not reported: whoever linked them knows both.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from generator.library.link import resolver
from generator.library.model import (
    RELATIONSHIPS,
    FieldPath,
    Library,
    Pattern,
    Problem,
    format_field,
)

# Tuned on the Commons OS library (3,616 patterns): see benchmarks/contributor_corpus.py.
NAME_CUTOFF = 90  # similarity (0-100) of two names, as sorted words
WORD_CUTOFF = 85  # similarity of two words sharing their first letters ("organisation")
SUMMARY_CUTOFF = 0.5  # share of distinct content words two summaries have in common
SUMMARY_MIN_WORDS = 6  # shorter summaries say too little to compare
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "so", "than", "that", "the", "their", "them", "then", "they",
    "this", "to", "via", "vs", "versus", "what", "when", "where", "which", "while", "who",
    "with",
})
_WORD = re.compile(r"[^\W_]+")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
_SUBTITLE = re.compile(r"\s+[-\u2013\u2014]\s+.*$|:\s+.*$")  # " - ", en and em dashes, ": "


@dataclass(frozen=True)
class _Name:
    """One name of a pattern (its title, a shortened title, or an alias)."""

    owner: int  # index into the library's patterns
    field: FieldPath
    text: str  # as written
    form: str  # what was compared: the text, or a title without its subtitle
    words: tuple[str, ...]  # sorted, distinct, normalised
    title: bool


@dataclass(frozen=True)
class _Match:
    """Why two patterns look alike: their closest names and how alike their summaries are."""

    score: float = 0.0  # names, 0-100
    mine: _Name | None = None
    theirs: _Name | None = None
    summary: float = 0.0  # summaries, 0-1


def near_duplicates(library: Library, among: Collection[str] | None = None) -> list[Problem]:
    """Warn about each pattern whose title, aliases or summary closely match another's.

    Both patterns of a pair are warned, each naming the other. With `among` (pattern paths),
    only pairs involving one of those patterns are looked for.
    """
    patterns = library.patterns
    probes = [i for i, p in enumerate(patterns) if among is None or p.path in among]
    matches: dict[tuple[int, int], _Match] = {}
    for a, b, score in _similar_names(patterns, probes):
        pair, mine, theirs = ((a.owner, b.owner), a, b) if a.owner < b.owner else (
            (b.owner, a.owner), b, a)
        known = matches.get(pair)
        if known is None or score > known.score:
            matches[pair] = _Match(score, mine, theirs)
    for i, j, share in _similar_summaries(patterns, probes):
        pair = (min(i, j), max(i, j))
        known = matches.get(pair, _Match())
        matches[pair] = _Match(known.score, known.mine, known.theirs, share)
    linked = _linked(library, {i for pair in matches for i in pair})
    problems = []
    for (i, j), match in sorted(matches.items()):
        if (i, j) in linked:
            continue
        problems.append(_warning(patterns[i], patterns[j], match, first=True))
        problems.append(_warning(patterns[j], patterns[i], match, first=False))
    return problems


# --- names -----------------------------------------------------------------------------------


# What near-duplicate detection compares of a pattern, as far as it decides who can match it:
# the first letters of its names' words (matching words share them) and its summary's words.
Signature = tuple[frozenset[str], frozenset[str]]


def signature(pattern: Pattern) -> Signature:
    """Return what near-duplicate detection could match `pattern` on (see Signature)."""
    blocks = frozenset(word[:4] for name in _names(pattern, 0) for word in name.words)
    summary = pattern.meta.get("summary")
    words = frozenset(_words(summary)) if isinstance(summary, str) else frozenset()
    return blocks, words if len(words) >= SUMMARY_MIN_WORDS else frozenset()


def _words(text: str) -> tuple[str, ...]:
    """Return the distinct content words of `text`, lowercased, plural endings removed, sorted."""
    found = set(_WORD.findall(text.lower().replace("&", " and "))) - STOP_WORDS
    return tuple(sorted({_stem(word) for word in found}))


@cache
def _stem(word: str) -> str:
    """Drop a plural or -ing ending: "policies" -> "policy", "rituals" -> "ritual"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 6 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _names(pattern: Pattern, owner: int) -> Iterator[_Name]:
    title = pattern.meta.get("title")
    if isinstance(title, str):
        # "Lean Canvas - Ash Maurya" and "Lean Canvas (Maurya)" are both "Lean Canvas".
        short = _SUBTITLE.sub("", _PARENTHESIS.sub("", title))
        for text in dict.fromkeys((title, _PARENTHESIS.sub("", title), short)):
            found = _words(text)
            if found:
                yield _Name(owner, ("title",), title, text, found, title=True)
    aliases = pattern.meta.get("aliases")
    if isinstance(aliases, list):
        for index, alias in enumerate(aliases):
            if isinstance(alias, str) and (found := _words(alias)):
                yield _Name(owner, ("aliases", index), alias, alias, found, title=False)


def _same_word(mine: str, theirs: str) -> bool:
    return mine == theirs or (
        mine[:4] == theirs[:4] and fuzz.ratio(mine, theirs) >= WORD_CUTOFF
    )


def _alike(short: _Name, long: _Name) -> bool:
    """Every word of the shorter name is in the longer one, which has few words more."""
    if not all(any(_same_word(w, v) for v in long.words) for w in short.words):
        return False
    matched = sum(1 for v in long.words if any(_same_word(w, v) for w in short.words))
    return len(long.words) - matched <= len(long.words) // 4


def _similar_names(
    patterns: tuple[Pattern, ...], probes: list[int]
) -> Iterator[tuple[_Name, _Name, float]]:
    names = [name for owner, p in enumerate(patterns) for name in _names(p, owner)]
    keys = [" ".join(name.words) for name in names]
    sizes = [len(name.words) for name in names]
    blocks = [{word[:4] for word in name.words} for name in names]
    frequency: dict[str, int] = defaultdict(int)
    for found in blocks:
        for block in found:
            frequency[block] += 1
    holders: dict[str, list[int]] = defaultdict(list)  # word block -> names holding it
    by_rarest: dict[str, list[int]] = defaultdict(list)  # word block -> names it is rarest of
    rarest: list[str] = []
    for n, found in enumerate(blocks):
        for block in found:
            holders[block].append(n)
        rarest.append(min(found, key=lambda b: (frequency[b], b)))
        by_rarest[rarest[-1]].append(n)
    wanted = set(probes)
    for n, name in enumerate(names):
        if name.owner not in wanted:
            continue
        # Every word of the shorter name must match one of the longer name's, and matching
        # words share their first letters: the shorter name's rarest block is in both.
        size = sizes[n]
        candidates = {m for m in holders[rarest[n]] if sizes[m] >= size}
        candidates.update(m for block in blocks[n] for m in by_rarest[block] if sizes[m] <= size)
        for m in candidates:
            other = names[m]
            if other.owner == name.owner or not (name.title or other.title):
                continue
            if other.owner in wanted and m < n:
                continue  # found from the other side
            score = fuzz.ratio(keys[n], keys[m])
            if score < NAME_CUTOFF:
                continue
            short, long = (name, other) if size <= sizes[m] else (other, name)
            if _alike(short, long):
                yield name, other, score


# --- summaries -------------------------------------------------------------------------------


def _similar_summaries(
    patterns: tuple[Pattern, ...], probes: list[int]
) -> Iterator[tuple[int, int, float]]:
    sets: dict[int, frozenset[str]] = {}
    for i, pattern in enumerate(patterns):
        summary = pattern.meta.get("summary")
        if isinstance(summary, str):
            found = frozenset(_words(summary))
            if len(found) >= SUMMARY_MIN_WORDS:
                sets[i] = found
    frequency: dict[str, int] = defaultdict(int)
    for found in sets.values():
        for word in found:
            frequency[word] += 1
    # Two sets with Jaccard >= t share a word among the rarest |x| - ceil(t|x|) + 1 of each.
    prefixes: dict[int, list[str]] = {}
    index: dict[str, list[int]] = defaultdict(list)
    for i, found in sets.items():
        ordered = sorted(found, key=lambda w: (frequency[w], w))
        prefixes[i] = ordered[: len(ordered) - math.ceil(SUMMARY_CUTOFF * len(ordered)) + 1]
        for word in prefixes[i]:
            index[word].append(i)
    wanted = set(probes)
    for i in probes:
        mine = sets.get(i)
        if mine is None:
            continue
        low, high = SUMMARY_CUTOFF * len(mine), len(mine) / SUMMARY_CUTOFF
        for j in {j for word in prefixes[i] for j in index[word]}:
            if j == i or (j in wanted and j < i):
                continue
            theirs = sets[j]
            if not low <= len(theirs) <= high:
                continue
            common = len(mine & theirs)
            share = common / (len(mine) + len(theirs) - common)  # over the union's size
            if share >= SUMMARY_CUTOFF:
                yield i, j, share


# --- reporting -------------------------------------------------------------------------------


def _linked(library: Library, involved: set[int]) -> set[tuple[int, int]]:
    """Return the pairs (by index, lower first) where one pattern links to the other."""
    index: Mapping[str, str] = resolver(library)
    position = {p.key: i for i, p in reversed(list(enumerate(library.patterns)))}
    pairs = set()
    for i in involved:
        pattern = library.patterns[i]
        for kind in RELATIONSHIPS:
            targets = pattern.meta.get(kind)
            for target in targets if isinstance(targets, list) else ():
                j = position.get(index.get(target, "")) if isinstance(target, str) else None
                if j is not None:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def _describe(name: _Name, *, kind: bool = True) -> str:
    what = ("title " if name.title else "alias ") if kind else ""
    shortened = f" (as '{name.form}')" if name.form != name.text else ""
    return f"{what}'{name.text}'{shortened}"


def _warning(pattern: Pattern, other: Pattern, match: _Match, *, first: bool) -> Problem:
    mine, theirs = (match.mine, match.theirs) if first else (match.theirs, match.mine)
    field: FieldPath = ("summary",)
    if mine is not None and theirs is not None:
        field = mine.field
        reason = (
            f"{_describe(mine, kind=False)} is {match.score:.0f}% similar to the "
            f"{_describe(theirs)} of {other.path}"
        )
        if match.summary:
            reason += f", and the summaries share {match.summary:.0%} of their words"
    else:
        reason = (
            f"shares {match.summary:.0%} of its words with the summary of "
            f"{other.path} ('{other.title}')"
        )
    line, col = pattern.where(field)
    return Problem(
        pattern.path, line, col, "near-duplicate", "warning", format_field(field),
        f"{reason}: merge them if they are one pattern, or say how they differ and link them "
        "(e.g. under related)",
    )
