#!/usr/bin/python3
"""Post-link checks of a Tenon image.

The image must be loadable anywhere (QEMU -kernel, U-Boot booti, Mortise's
loader), so: it starts with a valid Linux arm64 Image header whose image_size
covers BSS, and its only dynamic relocations are R_AARCH64_RELATIVE, which the
entry code applies itself. Anything else is a link error here rather than a
hang at boot.

usage: checkimage.py IMAGE.elf
"""

import struct
import sys

R_AARCH64_RELATIVE = 1027
IMAGE_MAGIC = b"ARM\x64"


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
    rela = secs.get(".rela.dyn")
    if rela:
        for off in range(rela[4], rela[4] + rela[5], 24):
            r_offset, r_info, _ = struct.unpack_from("<QQq", data, off)
            if r_info & 0xffffffff != R_AARCH64_RELATIVE:
                fail(path, "dynamic relocation of type {} at 0x{:x}: only R_AARCH64_RELATIVE can be applied "
                           "by the self-relocating entry (is a symbol undefined?)".format(r_info & 0xffffffff,
                                                                                          r_offset))


if __name__ == "__main__":
    main()
