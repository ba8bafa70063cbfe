"""Time `patternlib validate` on the real Commons OS library (3,616 files).

Unpacks ../shared/corpus/commons-os-patterns.tar.xz into a temporary folder (not timed), then
runs the command several times and prints each wall time, the best and the median, for one
process and for every core. The target is 3 s on a 2-core machine. Also prints the problem
counts by rule and the lines for the two files whose YAML is broken.

    .venv/bin/python benchmarks/validate_corpus.py [--runs N]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "commons-os-patterns.tar.xz"
PATTERNLIB = Path(sys.executable).parent / "patternlib"


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    """Run a command; return its wall time and output."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    """Unpack the corpus, time validation, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(CORPUS) as archive:
            archive.extractall(work, filter="data")
        files = len(list((work / "_patterns").glob("*.md")))
        print(f"corpus: {files} files")
        output = ""
        for jobs in (1, 0):
            times = []
            for _ in range(args.runs):
                elapsed, output = timed(
                    [str(PATTERNLIB), "validate", f"--jobs={jobs}", "_patterns"], work
                )
                times.append(elapsed)
            label = "1 process" if jobs == 1 else "all cores"
            print(
                f"validate, {label}: best {min(times):.2f} s, median "
                f"{statistics.median(times):.2f} s  (runs: "
                + ", ".join(f"{t:.2f}" for t in times) + ")"
            )
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
