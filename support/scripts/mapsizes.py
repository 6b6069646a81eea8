#!/usr/bin/python3
"""Per-library size report from a GNU ld map file.

Every library is linked from its own partial object (build/libs/<name>.o), so
each input section in the map names its library; members of prebuilt archives
(lib/newlib's libc.a and libm.a, libgcc.a) count under the archive's name.
Output sections are grouped into text, rodata (everything else read-only and
allocated: relocations, init tables, linker-script fragments), data and bss.

usage: mapsizes.py IMAGE.map BUILD_DIR
"""

import collections
import re
import sys

SKIP = (".debug", ".comment", ".note", ".symtab", ".strtab", ".shstrtab", ".ARM.attributes", "/DISCARD/")
COLUMNS = ("text", "rodata", "data", "bss")


def classify(outsec):
    if outsec.startswith(".text"):
        return "text"
    if outsec.startswith((".bss", ".sbss", ".tbss", ".tn_stack")):
        return "bss"
    if outsec.startswith((".data", ".got", ".dynamic", ".sdata", ".tdata")):
        return "data"
    return "rodata"


def owner(path):
    m = re.search(r"/libs/([^/]+)\.o$", path)
    if m:
        return m.group(1)
    # A member of a prebuilt archive (newlib's libc.a, libgcc.a): the archive.
    m = re.search(r"([^/]+\.a)\([^()]+\.o\)$", path)
    return m.group(1) if m else "(linker)"


def parse(lines):
    sizes = collections.defaultdict(lambda: collections.Counter())
    in_map = False
    outsec = None
    pending = None  # an input section name whose address/size wrapped to the next line
    for line in lines:
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^(\S+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+", line)
        if m or re.match(r"^(\.\S+)\s*$", line):
            outsec = (m.group(1) if m else line.strip())
            pending = None
            continue
        if outsec is None or outsec.startswith(SKIP):
            continue
        m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o\)?)\s*$", line)
        if m and (m.group(1) or pending):
            size = int(m.group(3), 16)
            if size:
                sizes[owner(m.group(4))][classify(outsec)] += size
        pending = None
    return sizes


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        sizes = parse(f)
    total = collections.Counter()
    print("{:<20} {:>8} {:>8} {:>8} {:>8} {:>8}".format("library", *COLUMNS, "total"))
    for lib in sorted(sizes, key=lambda k: -sum(sizes[k].values())):
        row = sizes[lib]
        total.update(row)
        print("{:<20} {:>8} {:>8} {:>8} {:>8} {:>8}".format(lib, *(row[c] for c in COLUMNS), sum(row.values())))
    print("{:<20} {:>8} {:>8} {:>8} {:>8} {:>8}".format("TOTAL", *(total[c] for c in COLUMNS),
                                                       sum(total.values())))


if __name__ == "__main__":
    main()
