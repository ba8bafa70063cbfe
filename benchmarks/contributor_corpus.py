"""Time the contributor workflow on the real Commons OS library (3,616 files).

Unpacks ../shared/corpus/commons-os-patterns.tar.xz into a temporary folder (not timed), then
prints: `patternlib validate --changed-only` for one file (wall and CPU time of the whole
command), the full-library near-duplicate check, the number of pairs it flags, and a sample.

    .venv/bin/python benchmarks/contributor_corpus.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import time

from corpus import PATTERNLIB, unpacked

from generator.library.duplicates import near_duplicates
from generator.library.load import load_library

ONE_FILE = "_patterns/zero-knowledge-proofs.md"


def main() -> None:
    """Unpack the corpus, time the checks, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with unpacked() as work:
        walls, cpus = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([str(PATTERNLIB), "validate", "--library", "_patterns", ONE_FILE],
                           cwd=work, capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        print(f"validate --changed-only, 1 file: wall best {min(walls):.2f} s, median "
              f"{statistics.median(walls):.2f} s; CPU best {min(cpus):.2f} s")
        library = load_library([work / "_patterns"], root=work)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            problems = near_duplicates(library)
            times.append(time.perf_counter() - start)
        print(f"near-duplicates, {len(library.patterns)} patterns: best {min(times):.2f} s, "
              f"median {statistics.median(times):.2f} s; {len(problems) // 2} pairs flagged")
        for problem in random.Random(1).sample(problems, min(10, len(problems))):
            print(f"  {problem.path}: {problem.message.split(': merge them')[0]}")


if __name__ == "__main__":
    main()
