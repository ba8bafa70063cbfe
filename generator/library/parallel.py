"""Spread per-file work over processes (MkDocs and PyYAML use one core each)."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL = 200


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_context() -> BaseContext | None:
    """Return the fork start method where the platform has it (workers inherit our state)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def parallel_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    worth: int | None = None,
    inherits: bool = False,
) -> list[R]:
    """Return [fn(x) for x in items], over `jobs` processes when there are `worth` items.

    `worth` defaults to MIN_PARALLEL as it is at the call (tests lower it).

    `inherits`: `fn` reads state the parent set before the call, which only forked workers
    see; without fork it runs in this process.
    """
    context = fork_context()
    worth = MIN_PARALLEL if worth is None else worth
    if jobs <= 1 or len(items) < worth or (inherits and context is None):
        return [fn(item) for item in items]
    # fork shares what the parent already built (schema validator, imports) with workers.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (jobs * 8))))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector (and workers forked in it, too).

    Loading and checking a library allocates millions of objects and frees them by reference
    counting: checking the 3,614 files of the Commons OS library leaves about a hundred
    objects in cycles, yet the collector's passes over the growing heap cost an eighth of
    the checking time. Memory freed by reference counting is freed as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Hand what the block allocated to the oldest generation, which is walked only when
        # it has grown by a quarter: otherwise the next allocation would walk it all. (Not
        # when objects are frozen already: unfreezing would thaw them too.)
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
