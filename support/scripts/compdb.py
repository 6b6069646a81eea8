#!/usr/bin/python3
"""Writes compile_commands.json (the JSON compilation database clangd and IDEs
read) for one build, from what the build already records per library:
<objdir>/.srcs (sources), .objs (their objects, same order) and .flags (the
C++, C and assembler commands, '|'-separated; see support/make/libs.mk).

usage: compdb.py DIRECTORY OBJDIR... > compile_commands.json
DIRECTORY is where make runs the commands (the application directory).
"""

import json
import os
import shlex
import sys


def read(path):
    with open(path) as f:
        return f.read()


def entries(directory, objdir):
    srcs = read(os.path.join(objdir, ".srcs")).split()
    objs = read(os.path.join(objdir, ".objs")).split()
    if len(srcs) != len(objs):
        raise SystemExit("compdb: {}: {} sources but {} objects".format(objdir, len(srcs), len(objs)))
    cxx, cc, asm = (shlex.split(c) for c in read(os.path.join(objdir, ".flags")).strip().split("|"))
    by_ext = {".cpp": cxx, ".c": cc, ".S": asm}
    for src, obj in zip(srcs, objs):
        yield {"directory": directory, "file": src,
               "arguments": by_ext[os.path.splitext(src)[1]] + ["-c", src, "-o", obj], "output": obj}


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__.strip())
    directory = sys.argv[1]
    db = [e for objdir in sys.argv[2:] for e in entries(directory, objdir)]
    json.dump(db, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
