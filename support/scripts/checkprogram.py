#!/usr/bin/python3
"""Post-link checks of a program (support/make/programs.mk).

The kernel's loader (lib/process) takes a static position-independent
AArch64 ELF: ET_DYN linked at 0, no PT_INTERP (nothing would interpret it),
an entry point, PT_LOAD segments, and no dynamic relocation but
R_AARCH64_RELATIVE (it applies only those, without symbol lookup). Anything
else is a build error here rather than a process that faults at its first
instruction.

usage: checkprogram.py PROGRAM.elf
"""

import struct
import sys

ET_DYN = 3
EM_AARCH64 = 183
PT_LOAD = 1
PT_DYNAMIC = 2
PT_INTERP = 3
SHT_RELA = 4
SHT_REL = 9
DT_NULL = 0
DT_NEEDED = 1
DT_TEXTREL = 22
DT_FLAGS = 30
DF_TEXTREL = 4
R_AARCH64_RELATIVE = 1027


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    errors = []
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return ["not a 64-bit little-endian ELF file"]
    e_type, e_machine = struct.unpack_from("<HH", data, 0x10)
    (e_entry, e_phoff, e_shoff) = struct.unpack_from("<QQQ", data, 0x18)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    if e_machine != EM_AARCH64:
        errors.append(f"machine {e_machine}, not AArch64 ({EM_AARCH64})")
    if e_type != ET_DYN:
        errors.append(f"ELF type {e_type}, not ET_DYN ({ET_DYN}): link it -pie")
    if e_entry == 0:
        errors.append("entry point 0: no _start (lib/process/user/src/crt0.S)")
    loads = 0
    for i in range(phnum):
        p_type, _flags, p_offset, _vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, e_phoff + i * phentsize)
        if p_type == PT_INTERP:
            errors.append("PT_INTERP: a dynamic linker is requested (link with --no-dynamic-linker)")
        elif p_type == PT_LOAD:
            loads += 1
        elif p_type == PT_DYNAMIC:
            for off in range(p_offset, p_offset + p_filesz, 16):
                tag, val = struct.unpack_from("<qQ", data, off)
                if tag == DT_NULL:
                    break
                if tag == DT_NEEDED:
                    errors.append("DT_NEEDED: it asks for a shared library")
                if tag == DT_TEXTREL or (tag == DT_FLAGS and val & DF_TEXTREL):
                    errors.append("text relocations (DT_TEXTREL)")
    if loads == 0:
        errors.append("no PT_LOAD segment")
    others = {}
    for i in range(shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * shentsize)
        sh_type, sh_offset, sh_size, sh_entsize = sh[1], sh[4], sh[5], sh[9]
        if sh_type == SHT_REL and sh_size:
            errors.append("SHT_REL relocations (only RELA with R_AARCH64_RELATIVE are applied)")
        if sh_type != SHT_RELA or not sh_size:
            continue
        for off in range(sh_offset, sh_offset + sh_size, sh_entsize or 24):
            (info,) = struct.unpack_from("<Q", data, off + 8)
            rtype = info & 0xffffffff
            if rtype != R_AARCH64_RELATIVE:
                others[rtype] = others.get(rtype, 0) + 1
    for rtype, n in sorted(others.items()):
        errors.append(f"{n} dynamic relocation(s) of type {rtype}, not R_AARCH64_RELATIVE ({R_AARCH64_RELATIVE}): "
                      "an undefined or preemptible symbol? (readelf -r shows them)")
    return errors


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    path = sys.argv[1]
    errors = check(path)
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
