#!/usr/bin/env python3
"""Size figures of the production code (`make metrics`, docs/testing.md).

Production code is every .c, .cpp, .hpp, .h and .S file under arch/, plat/,
drivers/, lib/ and hyp/, except tests/ directories and arch/fake (the host
implementation of the arch contract). Prints, for the tree (or the git
revision given with --rev):

  - code lines (not blank, not only a comment) per top-level directory and
    for hyp/core;
  - the number of C/C++ function bodies and their length in lines (from the
    line of the opening brace to the line of the closing one): median, 90th
    percentile, maximum, and the longest five.

Function bodies are found by a scanner, not a compiler: a brace at namespace
or class scope that follows a closing parenthesis (optionally a const,
noexcept, override or trailing return type) opens a function. Good enough to
compare two revisions of this tree; not a general C++ parser.
"""
import argparse
import os
import re
import subprocess
import sys

ROOTS = ("arch", "plat", "drivers", "lib", "hyp")
EXTS = (".c", ".cpp", ".hpp", ".h", ".S")


def production(path):
    parts = path.split("/")
    return (parts[0] in ROOTS and path.endswith(EXTS) and "tests" not in parts
            and not path.startswith("arch/fake/"))


def files_at(root, rev):
    if rev:
        out = subprocess.run(["git", "-C", root, "ls-tree", "-r", "--name-only", rev],
                             check=True, capture_output=True, text=True).stdout.split()
        names = [p for p in out if production(p)]
        read = lambda p: subprocess.run(["git", "-C", root, "show", "{}:{}".format(rev, p)],
                                        check=True, capture_output=True, text=True).stdout
    else:
        out = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard"],
                             check=True, capture_output=True, text=True).stdout.split()
        names = [p for p in out if production(p) and os.path.exists(os.path.join(root, p))]
        read = lambda p: open(os.path.join(root, p), encoding="utf-8", errors="replace").read()
    return {p: read(p) for p in sorted(names)}


def strip(text):
    """Comments and string/char literals blanked, newlines kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def code_lines(text):
    return sum(1 for line in strip(text).splitlines() if line.strip())


OPENS_FUNCTION = re.compile(r"\)\s*(?:const\s*|noexcept\s*|override\s*|final\s*|->\s*[\w:<>,\s*&]+)*$")


def functions(text):
    """(first line, length in lines) of every function body in C/C++ text."""
    code = strip(re.sub(r"^\s*#.*$", "", text, flags=re.M))
    found, stack, line = [], [], 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            inside = any(kind == "f" for kind, _ in stack)
            head = code[max(0, i - 300):i]
            kind = "b" if inside else ("f" if OPENS_FUNCTION.search(head) else "s")
            stack.append((kind, line))
        elif c == "}" and stack:
            kind, start = stack.pop()
            if kind == "f":
                found.append((start, line - start + 1))
    return found


def percentile(values, p):
    if not values:
        return 0
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", help="measure this git revision instead of the working tree")
    ap.add_argument("--root", default=os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
    args = ap.parse_args()
    files = files_at(args.root, args.rev)
    per_dir, funcs = {}, []
    for path, text in files.items():
        top = path.split("/")[0]
        n = code_lines(text)
        per_dir[top] = per_dir.get(top, 0) + n
        if path.startswith("hyp/core/"):
            per_dir["hyp/core"] = per_dir.get("hyp/core", 0) + n
        if not path.endswith(".S"):
            funcs += [(length, path, start) for start, length in functions(text)]
    lengths = [f[0] for f in funcs]
    print("revision: {}".format(args.rev or "working tree"))
    print("code lines: " + ", ".join("{} {}".format(k, per_dir.get(k, 0)) for k in ROOTS + ("hyp/core",)))
    print("functions: {}, length median {}, p90 {}, max {}".format(
        len(funcs), percentile(lengths, 50), percentile(lengths, 90), max(lengths, default=0)))
    for length, path, start in sorted(funcs, reverse=True)[:5]:
        print("  {:4d} lines  {}:{}".format(length, path, start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
