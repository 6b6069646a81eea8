#!/usr/bin/python3
"""Names the code and data behind the addresses of a captured console log.

usage: symbolize.py --elf IMAGE.elf [--cross PREFIX] [--root DIR] [LOG|-]

Every hexadecimal number of the log that falls inside a function or data
object of IMAGE.elf gets " <name+0xoffset>" after it; the PC and LR lines of a
fault report also get the source line (addr2line; for LR the line of the
call). The rest of the log is copied unchanged, to standard output.

Images relocate themselves, so a run-time address is the link address plus
the load offset. A fault report states its offset ("image loaded at ..,
linked at .. (load offset 0x..)"): it applies to the whole report it is in
(from its "*** Tenon" line on), and to the lines after it until the next
report. Numbers printed as "link address 0x.." are taken as link addresses.
Before any report states an offset, numbers are taken as link addresses.
"""

import argparse
import bisect
import os
import re
import subprocess
import sys

NUMBER = re.compile(r"0x([0-9a-fA-F]{1,16})\b")
OFFSET = re.compile(r"load offset 0x([0-9a-fA-F]+)")
REPORT_START = re.compile(r"\*\*\* Tenon")
SOURCE_LINE = re.compile(r"^\s*(PC|LR)\s+0x")
FUNCTION_TYPES = "TtWw"
OBJECT_TYPES = "DdBbRrVv"


class Symbols:
    """Functions and sized data objects of an ELF, from nm."""

    def __init__(self, elf, nm):
        try:
            out = subprocess.run([nm, "-n", "-S", "-C", "--defined-only", elf], check=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True).stdout
        except FileNotFoundError:
            sys.exit("symbolize: {} not found: install binutils-aarch64-linux-gnu "
                     "(apt-get install binutils-aarch64-linux-gnu)".format(nm))
        except subprocess.CalledProcessError as e:
            sys.exit("symbolize: {} failed on {}: {}".format(nm, elf, e.stderr.strip()))
        entries = []
        for line in out.splitlines():
            parts = line.split(None, 3)
            if len(parts) == 4 and parts[2] in FUNCTION_TYPES + OBJECT_TYPES:
                entries.append((int(parts[0], 16), int(parts[1], 16), parts[2], parts[3]))
            elif len(parts) == 3 and parts[1] in FUNCTION_TYPES and not parts[2].startswith("$"):
                entries.append((int(parts[0], 16), None, parts[1], parts[2]))  # assembly label
        entries.sort(key=lambda e: e[0])
        # An unsized function (an assembly label) ends where the next symbol starts.
        self.ranges = []
        for i, (addr, size, kind, name) in enumerate(entries):
            if size is None:
                nxt = next((e[0] for e in entries[i + 1:] if e[0] > addr), None)
                if nxt is None:
                    continue
                size = nxt - addr
            if size > 0:
                self.ranges.append((addr, addr + size, name))
        self.starts = [r[0] for r in self.ranges]

    def lookup(self, addr):
        """'name+0xoff' of the innermost symbol containing addr, or None."""
        i = bisect.bisect_right(self.starts, addr) - 1
        # Sized symbols may nest (a label inside a function): the closest start wins.
        while i >= 0:
            start, end, name = self.ranges[i]
            if start <= addr < end:
                return "{}+0x{:x}".format(name, addr - start)
            if addr - start > 1 << 20:
                break
            i -= 1
        return None


def report_offsets(lines):
    """The load offset that applies to each line (None: not known)."""
    offsets = [None] * len(lines)
    current = None
    block_start = 0
    for i, line in enumerate(lines):
        if REPORT_START.search(line):
            block_start = i
        m = OFFSET.search(line)
        if m:
            current = int(m.group(1), 16)
            for j in range(block_start, i):  # the report's lines above its offset line
                offsets[j] = current
        offsets[i] = current
    return offsets


def source_lines(elf, addr2line, addrs, root):
    """{link address: 'file:line'} from addr2line, paths relative to root."""
    if not addrs:
        return {}
    try:
        out = subprocess.run([addr2line, "-e", elf] + ["0x{:x}".format(a) for a in addrs], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True).stdout
    except (FileNotFoundError, subprocess.CalledProcessError):
        return {}
    result = {}
    for addr, loc in zip(addrs, out.splitlines()):
        if loc.startswith("??"):
            continue
        path, _, rest = loc.partition(":")
        if root and os.path.isabs(path):
            rel = os.path.relpath(path, root)
            path = path if rel.startswith("..") else rel
        result[addr] = "{}:{}".format(path, rest.split(" ")[0])
    return result


def annotate(line, offset, symbols):
    """The line with every resolvable number annotated, and the first
    resolved link address (for the source line of PC/LR lines)."""
    seen = set()
    first = [None]

    def one(m):
        value = int(m.group(1), 16)
        as_link = line[max(0, m.start() - 13):m.start()] == "link address "
        link = value if as_link or offset is None else value - offset
        name = symbols.lookup(link)
        if name is None or name in seen:
            return m.group(0)
        seen.add(name)
        if first[0] is None:
            first[0] = link
        return "{} <{}>".format(m.group(0), name)

    return NUMBER.sub(one, line), first[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--elf", required=True, help="the image's ELF (linked, with symbols)")
    ap.add_argument("--cross", default="aarch64-linux-gnu-", help="binutils prefix (default aarch64-linux-gnu-)")
    ap.add_argument("--root", help="source paths are shown relative to this directory")
    ap.add_argument("log", nargs="?", default="-", help="the console log (default: standard input)")
    args = ap.parse_args()
    if not os.path.isfile(args.elf):
        sys.exit("symbolize: {} does not exist: build the image that wrote the log first".format(args.elf))
    try:
        text = sys.stdin.read() if args.log == "-" else open(args.log, errors="replace").read()
    except OSError as e:
        sys.exit("symbolize: cannot read the log: {}".format(e))
    symbols = Symbols(args.elf, args.cross + "nm")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    offsets = report_offsets(lines)
    annotated = []
    wanted = []
    for line, offset in zip(lines, offsets):
        # The offset line's own addresses are the image's start: no news.
        new, link = (line, None) if OFFSET.search(line) else annotate(line, offset, symbols)
        src = None
        m = SOURCE_LINE.match(line)
        if m and link is not None:
            src = link - 4 if m.group(1) == "LR" else link  # LR: the call, not the return point
            wanted.append(src)
        annotated.append((new, src))
    where = source_lines(args.elf, args.cross + "addr2line", sorted(set(wanted)), args.root)
    for new, src in annotated:
        print(new + ("  [{}]".format(where[src]) if src in where else ""))


if __name__ == "__main__":
    main()
