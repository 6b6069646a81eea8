#!/usr/bin/python3
"""Compiles the code snippets of Markdown documents, so they cannot rot.

The convention (docs/testing.md, test/framework/doc-snippets.sh):
  ```cpp / ```c   a complete translation unit: compiled on its own with the
                  aarch64 cross compiler, the flags of a real application build
                  (-Wall -Wextra -Werror included) and every public header of
                  the tree. A block that includes a <mortise/...> header is
                  compiled with the flags of a Mortise image's hyp/core
                  library, one that includes <tn/process.h> with those of
                  an application with lib/process; any other block with
                  those of each Tenon configuration given.
  ```make         not compiled; but a block whose first line is a comment
                  naming a file of the tree ("# lib/irq/Makefile.uk") quotes
                  that file: the lines after the comment must equal it.
  other tags      (text, sh, make, json, dts, none) are not compiled.
Tags that mean C or C++ but are spelled otherwise (c++, cxx, cc, h, hpp, ...)
are an error: such a block would silently escape the compiler.

Each compiled block starts with a #line directive, so the compiler's
diagnostics point into the Markdown file (docs/kernel.md:47:5: error: ...).

usage: doc_snippets.py --root TREE --work DIR [--tenon NAME=FLAGS]...
                       [--mortise NAME=FLAGS] [--process NAME=FLAGS] FILE.md...
FLAGS is a library's .flags file from a build directory ("CXX...|CC...|AS...",
written by support/make/libs.mk). Exit status 1 if any block fails.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys

COMPILED = {"cpp": "cxx", "c": "cc"}
# Spellings of C and C++ that would dodge the compiler: refused.
MISSPELLED = {"c++", "cxx", "cc", "cplusplus", "h", "hh", "hpp", "hxx", "C", "objc", "cuda"}
FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$")


class Block:
    def __init__(self, path, line, tag, indent):
        self.path = path      # as given on the command line
        self.line = line      # 1-based line of the opening fence
        self.tag = tag
        self.indent = indent
        self.lines = []

    @property
    def first_line(self):
        return self.line + 1


def extract(path):
    """Fenced blocks of a CommonMark file; an unclosed fence is an error."""
    blocks = []
    cur = None
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if cur is None:
                m = FENCE.match(line)
                if m:
                    fence = m.group(2)
                    cur = Block(path, n, m.group(3), len(m.group(1)))
                continue
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "" \
                    and len(line) - len(line.lstrip(" ")) <= 3:
                blocks.append(cur)
                cur = None
                continue
            # Content loses at most the opening fence's indentation.
            drop = min(cur.indent, len(line) - len(line.lstrip(" ")))
            cur.lines.append(line[drop:])
    if cur is not None:
        raise SystemExit("{}:{}: code block opened here is never closed".format(path, cur.line))
    return blocks


def read_flags(spec):
    name, _, path = spec.partition("=")
    with open(path) as f:
        cxx, cc, _as = f.read().strip().split("|")
    return name, {"cxx": shlex.split(cxx), "cc": shlex.split(cc)}


def check_quote(block, root):
    """A ```make block opening with '# <tree file>' must match that file.
    Returns (quoted file or None, what differs or None)."""
    m = re.match(r"^#\s*(\S+)\s*$", block.lines[0]) if block.lines else None
    if not m or not os.path.isfile(os.path.join(root, m.group(1))):
        return None, None  # not a quote (an example of a file the reader creates)
    with open(os.path.join(root, m.group(1)), encoding="utf-8") as f:
        want = f.read().rstrip("\n").split("\n")
    got = block.lines[1:]
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "(missing)"
        w = want[i] if i < len(want) else "(missing)"
        if g != w:
            return m.group(1), "differs from it at its line {}:\n  doc:  {}\n  file: {}".format(i + 1, g, w)
    return m.group(1), None


def compile_block(block, index, configs, work):
    """Compiles one block with each config; returns a list of failure texts."""
    lang = COMPILED[block.tag]
    ext = ".cpp" if lang == "cxx" else ".c"
    source = "#line {} \"{}\"\n{}\n".format(block.first_line, block.path, "\n".join(block.lines))
    src = os.path.join(work, "snippet{:03d}{}".format(index, ext))
    with open(src, "w", encoding="utf-8") as f:
        f.write(source)
    failures = []
    for name, flags in configs:
        cmd = flags[lang] + ["-c", src, "-o", src + "." + name + ".o"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if p.returncode != 0:
            failures.append("with the flags of {}:\n{}".format(name, p.stdout.rstrip()))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="the tree whose files ```make blocks may quote")
    ap.add_argument("--work", required=True, help="scratch directory for the extracted sources")
    ap.add_argument("--tenon", action="append", default=[], metavar="NAME=FLAGS")
    ap.add_argument("--mortise", metavar="NAME=FLAGS")
    ap.add_argument("--process", metavar="NAME=FLAGS",
                    help="flags for blocks that include <tn/process.h> (an image with lib/process)")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    if not args.tenon:
        ap.error("at least one --tenon configuration is needed")
    tenon = [read_flags(s) for s in args.tenon]
    mortise = [read_flags(args.mortise)] if args.mortise else []
    process = [read_flags(args.process)] if args.process else []
    os.makedirs(args.work, exist_ok=True)

    compiled = failed = 0
    index = 0
    for path in args.files:
        for block in extract(path):
            where = "{}:{}".format(block.path, block.line)
            if block.tag in MISSPELLED:
                print("FAIL {}: ```{} block: tag C++ ```cpp and C ```c so it is compiled "
                      "(```text if it is not code)".format(where, block.tag))
                failed += 1
                continue
            if block.tag == "make":
                quoted, why = check_quote(block, args.root)
                if why:
                    print("FAIL {}: ```make block quotes {} but {}".format(where, quoted, why))
                    failed += 1
                elif quoted:
                    print("ok   {}: ```make quotes {}".format(where, quoted))
                continue
            if block.tag not in COMPILED:
                continue
            index += 1
            uses_mortise = any(re.match(r"\s*#\s*include\s*<mortise/", l) for l in block.lines)
            if uses_mortise and not mortise:
                print("FAIL {}: includes a <mortise/...> header but no --mortise flags were given".format(where))
                failed += 1
                continue
            uses_process = any(re.match(r"\s*#\s*include\s*<tn/process\.h>", l) for l in block.lines)
            if uses_process and not process:
                print("FAIL {}: includes <tn/process.h> but no --process flags were given".format(where))
                failed += 1
                continue
            configs = mortise if uses_mortise else process if uses_process else tenon
            failures = compile_block(block, index, configs, args.work)
            compiled += 1
            if failures:
                failed += 1
                print("FAIL {}: ```{} block does not compile".format(where, block.tag))
                for text in failures:
                    print("  " + text.replace("\n", "\n  "))
            else:
                print("ok   {}: ```{} ({})".format(where, block.tag, ", ".join(n for n, _ in configs)))
    if compiled == 0:
        print("FAIL no ```cpp or ```c block found in {} files: is the extraction broken?".format(len(args.files)))
        failed += 1
    print("{} blocks compiled, {} failed".format(compiled, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
