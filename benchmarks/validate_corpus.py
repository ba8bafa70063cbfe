"""Time `patternlib validate` on the real Commons OS library (3,616 files).

Unpacks ../shared/corpus/commons-os-patterns.tar.xz into a temporary folder and converts it
with `patternlib import` (not timed; the shape the site builds from, its source-only fields
under x_import; --raw checks the files as they are), then runs the command several times and
prints each wall time, the best and the median: cold (`--no-cache`) on one process and on
every core, and warm (results of unchanged files kept from the previous run). The target is
3 s on a 2-core machine. Also prints the load average (the machine may be shared), the
problem counts by rule and the lines for files whose YAML is broken. CPU time (all the
command's processes) is printed too: it depends less than wall time on what else runs.

    .venv/bin/python benchmarks/validate_corpus.py [--runs N] [--raw]
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import PATTERNLIB, unpacked


def timed(args: list[str], cwd: Path) -> tuple[float, str, float]:
    """Run a command; return its wall time, output and CPU time (its processes, all cores)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, done.stdout, cpu


def main() -> None:
    """Unpack the corpus, time validation, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw", action="store_true", help="check the files as they are")
    args = parser.parse_args()
    # An installed patternlib runs from bytecode (pip and `make` compile it); where
    # PYTHONDONTWRITEBYTECODE is set, the editable source would be compiled on every run.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        print("PYTHONDONTWRITEBYTECODE unset for the runs (bytecode as installed)")
    with unpacked() as work:
        folder = "_patterns"
        if not args.raw:
            timed([str(PATTERNLIB), "import", "_patterns", "--into", "patterns"], work)
            folder = "patterns"
        files = len(list((work / folder).glob("*.md")))
        print(f"corpus: {files} files in {folder}/; load average "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # a private, empty cache
        output = ""
        runs = {
            "cold, 1 process": ["--no-cache", "--jobs=1"],
            "cold, all cores": ["--no-cache"],
            "warm, all cores": [],
        }
        timed([str(PATTERNLIB), "validate", folder], work)  # fills the cache
        for label, options in runs.items():
            times = []
            cpus = []
            for _ in range(args.runs):
                elapsed, output, cpu = timed(
                    [str(PATTERNLIB), "validate", *options, folder], work
                )
                times.append(elapsed)
                cpus.append(cpu)
            print(
                f"validate, {label}: best {min(times):.2f} s, median "
                f"{statistics.median(times):.2f} s  (runs: "
                + ", ".join(f"{t:.2f}" for t in times) + f"); CPU median "
                f"{statistics.median(cpus):.2f} s"
            )
        print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        lines = output.splitlines()
        print("summary:", lines[-1])
        rules = collections.Counter(line.split(" ")[1] for line in lines[:-1])
        for rule, count in rules.most_common():
            print(f"  {count:6d}  {rule}")
        for line in lines:
            if "[yaml-syntax]" in line:
                print(line)


if __name__ == "__main__":
    main()
