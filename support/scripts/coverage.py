#!/usr/bin/env python3
"""Line coverage of the production code by the host unit tests (`make coverage`).

Builds every test/unit binary with --coverage into OUT (default
build/coverage), runs each, then reads gcov's JSON for every object. A line
counts as covered when any test binary executed it (the same source is
compiled into several binaries). Prints one line per production .cpp file the
tests compile (arch/, plat/, drivers/, lib/, hyp/, without tests/ and
arch/fake) and the totals:

  - covered / executable lines over the files the host tests compile;
  - how many production .cpp files that is, of how many in the tree.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from code_metrics import production  # noqa: E402


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build_and_run(out, jobs):
    flags = ["HOST_COVERAGE=1", "O=" + out]
    sh(["make", "--no-print-directory", "-s", "-j{}".format(jobs), "-C", os.path.join(ROOT, "test/unit")] + flags)
    binaries = sh(["make", "--no-print-directory", "-s", "-C", os.path.join(ROOT, "test/unit"), "list"] + flags,
                  capture_output=True, text=True).stdout.split()
    for gcda in walk(out, ".gcda"):
        os.unlink(gcda)
    for b in binaries:
        r = subprocess.run([b], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("coverage: {} failed:\n{}".format(b, r.stdout[-2000:] + r.stderr[-2000:]))


def walk(top, ext):
    for d, _, names in os.walk(top):
        for n in names:
            if n.endswith(ext):
                yield os.path.join(d, n)


def collect(out):
    """{tree-relative source: {line: executed?}} for production .cpp files."""
    lines = {}
    work = os.path.join(out, "gcov")
    os.makedirs(work, exist_ok=True)
    for gcda in walk(out, ".gcda"):
        sh(["gcov", "--json-format", "--object-directory", os.path.dirname(gcda), gcda],
           cwd=work, capture_output=True)
        for js in walk(work, ".gcov.json.gz"):
            with gzip.open(js, "rt") as f:
                data = json.load(f)
            os.unlink(js)
            for entry in data["files"]:
                path = os.path.relpath(os.path.normpath(os.path.join(data.get("current_working_directory", work),
                                                                     entry["file"])), ROOT)
                if not (production(path) and path.endswith(".cpp")):
                    continue
                seen = lines.setdefault(path, {})
                for ln in entry["lines"]:
                    seen[ln["line_number"]] = seen.get(ln["line_number"], False) or ln["count"] > 0
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "coverage"))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--quiet", action="store_true", help="totals only")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    build_and_run(out, args.jobs)
    lines = collect(out)
    total = covered = 0
    for path in sorted(lines):
        n, c = len(lines[path]), sum(lines[path].values())
        total, covered = total + n, covered + c
        if not args.quiet:
            print("{:6.1f}%  {:4d}/{:<4d} {}".format(100.0 * c / max(n, 1), c, n, path))
    tracked = sh(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True).stdout.split()
    all_cpp = [p for p in tracked if production(p) and p.endswith(".cpp")]
    print("host-test line coverage: {:.1f}% ({} of {} executable lines) in {} of {} production .cpp files".format(
        100.0 * covered / max(total, 1), covered, total, len(lines), len(all_cpp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
