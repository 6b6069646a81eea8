#!/usr/bin/python3
"""Post-link checks of a Tenon image.

The image must be loadable anywhere (QEMU -kernel, U-Boot booti, Mortise's
loader), so: it starts with a valid Linux arm64 Image header whose image_size
covers BSS and whose res2 is the size of the file objcopy -O binary writes (a
loader tells a cut-short copy by it), and its only dynamic relocations are
R_AARCH64_RELATIVE, which the entry code applies itself, all of them
(__rela_start/__rela_end are the bounds of .rela.dyn). Anything else is a link error here rather than a
hang at boot.

usage: checkimage.py IMAGE.elf
"""

import struct
import sys

R_AARCH64_RELATIVE = 1027
IMAGE_MAGIC = b"ARM\x64"
SHF_ALLOC = 2
SHT_NOBITS = 8


def sections(data):
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = raw[shstrndx]
    out = {}
    for s in raw:
        start = strtab[4] + s[0]
        name = data[start:data.index(b"\0", start)].decode()
        out[name] = s
    return out


def symbols(data, secs, names):
    """The values of the named symbols of .symtab (those it has)."""
    symtab, strtab = secs.get(".symtab"), secs.get(".strtab")
    out = {}
    if not symtab or not strtab:
        return out
    for off in range(symtab[4], symtab[4] + symtab[5], 24):
        st_name, _, _, _, st_value, _ = struct.unpack_from("<IBBHQQ", data, off)
        start = strtab[4] + st_name
        name = data[start:data.index(b"\0", start)].decode()
        if name in names:
            out[name] = st_value
    return out


def fail(path, msg):
    sys.exit("error: {}: {}".format(path, msg))


def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        fail(path, "not a 64-bit ELF file")
    secs = sections(data)
    text = secs.get(".text")
    if text is None:
        fail(path, "no .text section")
    header = data[text[4]:text[4] + 64]
    if header[0x38:0x3c] != IMAGE_MAGIC:
        fail(path, "the Linux arm64 Image header is not at the start of .text "
                   "(arch entry code must come first: KEEP(*(.text.boot)))")
    image_size, flags = struct.unpack_from("<QQ", header, 0x10)
    end = secs.get(".bss", text)
    expected = end[3] + end[5] - text[3]
    if image_size < expected:
        fail(path, "Image header image_size 0x{:x} does not cover the image (0x{:x})".format(image_size, expected))
    # objcopy -O binary writes from .text to the end of the last section with contents.
    (file_size,) = struct.unpack_from("<Q", header, 0x20)
    loaded = [s for s in secs.values() if s[2] & SHF_ALLOC and s[1] != SHT_NOBITS and s[5]]
    written = max(s[3] + s[5] for s in loaded) - text[3]
    if file_size != written:
        fail(path, "Image header res2 (file size) is 0x{:x}, but the binary is 0x{:x} bytes: define "
                   "__tn_file_size_lo/hi after the last section with contents".format(file_size, written))
    rela = secs.get(".rela.dyn")
    # The entry code applies the relocations from __rela_start to __rela_end: short
    # bounds leave pointers at their link address, and the image runs only there.
    bounds = symbols(data, secs, ("__rela_start", "__rela_end"))
    want = {"__rela_start": rela[3], "__rela_end": rela[3] + rela[5]} if rela else {}
    for name, value in sorted(bounds.items()):
        if rela and value != want[name]:
            fail(path, "{} is 0x{:x}, but .rela.dyn spans 0x{:x}-0x{:x}: the entry code would not apply "
                       "every relocation (define it from ADDR/SIZEOF of .rela.dyn in the linker script)".format(
                           name, value, want["__rela_start"], want["__rela_end"]))
    if rela:
        for off in range(rela[4], rela[4] + rela[5], 24):
            r_offset, r_info, _ = struct.unpack_from("<QQq", data, off)
            if r_info & 0xffffffff != R_AARCH64_RELATIVE:
                fail(path, "dynamic relocation of type {} at 0x{:x}: only R_AARCH64_RELATIVE can be applied "
                           "by the self-relocating entry (is a symbol undefined?)".format(r_info & 0xffffffff,
                                                                                          r_offset))


if __name__ == "__main__":
    main()
