"""Fuzz validation with many more examples than the test suite runs (not a test).

Runs the properties of tests/test_fuzz.py outside pytest: mutated pattern files must give
located problems and never a traceback, and bodies the scan lets through must render to
nothing that would run. Every example runs, failures are collected (not stopped at) and
printed once per kind, with the smallest input that showed it.

    .venv/bin/python benchmarks/fuzz_validate.py                  # 20,000 examples each
    .venv/bin/python benchmarks/fuzz_validate.py --examples 2000 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzzing import bodies, broken_files, check_body, check_file  # noqa: E402


def run(name: str, strategy: st.SearchStrategy[object], check: Callable[[object], object],
        examples: int, chosen_seed: int | None) -> int:
    """Run `check` on `examples` inputs; print the count and each kind of failure."""
    failures: dict[str, tuple[object, str]] = {}
    count = 0

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def property_(value: object) -> None:
        nonlocal count
        count += 1
        try:
            check(value)
        except Exception as exc:  # collected: every example runs
            kind = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            where = traceback.extract_tb(exc.__traceback__)[-1]
            kind = f"{kind} ({Path(where.filename).name}:{where.lineno})"
            known = failures.get(kind)
            if known is None or len(repr(value)) < len(repr(known[0])):
                failures[kind] = (value, traceback.format_exc())

    if chosen_seed is not None:
        property_ = seed(chosen_seed)(property_)
    start = time.perf_counter()
    property_()
    elapsed = time.perf_counter() - start
    print(f"{name}: {count:,} examples in {elapsed:.1f} s, {len(failures)} kinds of failure")
    for kind, (value, trace) in failures.items():
        print(f"\n  {kind}\n  smallest input: {value!r}\n{trace}")
    return len(failures)


def main() -> None:
    """Parse the options, run both properties, exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000,
                        help="examples per property (default 20,000)")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alpha.md"
        failed = run("mutated files", broken_files(),
                     lambda data: check_file(path, data),  # type: ignore[arg-type]
                     args.examples, args.seed)
    failed += run("bodies", bodies, check_body, args.examples, args.seed)  # type: ignore[arg-type]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
