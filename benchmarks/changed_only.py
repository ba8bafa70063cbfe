"""Time `patternlib validate --changed-only FILE` against the real Commons OS library.

What a contributor's pre-commit hook costs: one pattern file checked against 3,616. Unpacks
../shared/corpus/commons-os-patterns.tar.xz into a temporary folder (not timed), then for a
few files (one with many links, one with none, one assessed) runs the command --runs times
and prints each wall time and the median. The target is 0.5 s. The outline cache is private
to the run and starts empty: the first run of all fills it (a fresh checkout's first commit),
and is printed apart. Then, per file, the median with the file unchanged since its last check
and with the file just edited (its own checks run again; the others' outlines come from the
cache). Also prints where the time of one call goes in-process, without the cache (the
imports are not in it): the quick scan of the other files, near-duplicates, and the file's
own checks. Prints the load average: the machine may be shared.

    .venv/bin/python benchmarks/changed_only.py [--runs N]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import PATTERNLIB, unpacked

FILES = ("acceptance-and-commitment.md", "360-degree-feedback.md", "habit-formation.md")


def main() -> None:
    """Unpack the corpus, time --changed-only on a few files, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with unpacked() as work:
        folder = work / "_patterns"
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # private, and empty at first
        # An installed patternlib runs from bytecode (pip and `make` compile it); where
        # PYTHONDONTWRITEBYTECODE is set, the editable source would be compiled on every run.
        compiled = os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is None
        if not compiled:
            print("PYTHONDONTWRITEBYTECODE unset for the runs (bytecode as installed)")

        def run(name: str, *, edited: bool = False) -> float:
            if edited:  # as an editor saves it: same text, a new modification time
                (folder / name).write_bytes((folder / name).read_bytes())
            start = time.perf_counter()
            done = subprocess.run(
                [str(PATTERNLIB), "validate", "--changed-only", "--library", str(folder),
                 str(folder / name)],
                cwd=work, capture_output=True, text=True, check=False,
            )
            if done.returncode not in (0, 1):
                sys.exit(f"validate failed ({done.returncode}):\n{done.stderr}")
            return time.perf_counter() - start

        print(f"corpus: {len(list(folder.glob('*.md')))} files; load average "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(f"--changed-only {FILES[0]}, empty cache: {run(FILES[0]):.2f} s", flush=True)
        for name in FILES:
            if not (folder / name).is_file():
                continue
            for edited in (False, True):
                times = [run(name, edited=edited) for _ in range(args.runs)]
                print(f"--changed-only {name}, {'just edited' if edited else 'unchanged'}: "
                      f"median {statistics.median(times):.2f} s (target 0.5 s; runs: "
                      f"{', '.join(f'{t:.2f}' for t in times)})", flush=True)
        print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from generator.library.changed import validate_changed

        profile = cProfile.Profile()
        profile.runcall(validate_changed, [folder], [folder / FILES[1]])
        stats = pstats.Stats(profile).sort_stats("cumulative")
        wanted = ("_scan", "near_duplicates", "check_pattern", "cross_check")
        for (file, _, function), row in sorted(stats.stats.items(),  # type: ignore[attr-defined]
                                              key=lambda item: -item[1][3]):
            if function in wanted:
                print(f"  in-process {function} ({Path(file).name}): {row[3]:.2f} s")


if __name__ == "__main__":
    main()
