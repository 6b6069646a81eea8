#!/usr/bin/python3
"""Writes the gdb command file of 'make gdb', 'make debug' and 'make gdb-attach'.

The image is linked at one address and runs at another: it is a -pie image
that relocates itself wherever it is loaded (arch/arm64/src/image.S), and the
MMU then maps it at that same address (VA = PA, VA = IPA in a guest). gdb
must therefore load the ELF's symbols with the offset

    offset = address the image runs at - address it is linked at (_start)

which this script derives from the same inputs the loader uses, never from a
constant:

  QEMU -kernel, raw Image   RAM base + text_offset from the Image header, plus
                            2 MiB when text_offset < 4 KiB (QEMU's boot stub
                            owns the first page of RAM: hw/arm/boot.c,
                            load_aarch64_image)
  QEMU -kernel, ELF         its link address: offset 0
  qemu-run --load-addr A    A
  Mortise guest             guest RAM IPA 0x40000000 (partition::ipa::k_ram)
                            + text_offset (hyp/core/src/guest.cpp, Guest::load)

For an image QEMU loads, the script also makes gdb check at connection that
the Image header's magic is where the symbols say _start is, so a wrong
offset stops with a message instead of breakpoints that never hit.
"""

import argparse
import os
import shlex
import struct
import subprocess
import sys

IMAGE_MAGIC = 0x644D5241          # "ARM\x64" at offset 56 of the Image header
QEMU_BOOT_STUB_MAX = 4 * 1024     # BOOTLOADER_MAX_SIZE in QEMU's hw/arm/boot.c
QEMU_TEXT_BUMP = 2 * 1024 * 1024  # where QEMU moves an image the stub would overlap
GUEST_RAM_IPA = 0x4000_0000       # hyp/partition: mortise::partition::ipa::k_ram


class Error(Exception):
    pass


def elf_entry(path):
    """e_entry of a little-endian ELF64: _start, the image's link address."""
    with open(path, 'rb') as f:
        head = f.read(64)
    if len(head) < 64 or head[:4] != b'\x7fELF' or head[4] != 2 or head[5] != 1:
        raise Error(f'{path} is not a little-endian ELF64 file')
    return struct.unpack_from('<Q', head, 24)[0]


def image_header(path):
    """(text_offset, image_size) of a raw arm64 Image, None for an ELF file."""
    with open(path, 'rb') as f:
        head = f.read(64)
    if head[:4] == b'\x7fELF':
        return None
    if len(head) < 64 or struct.unpack_from('<I', head, 56)[0] != IMAGE_MAGIC:
        raise Error(f'{path} has no arm64 Image header (magic "ARM\\x64" at offset 56)')
    return struct.unpack_from('<QQ', head, 8)


def qemu_load_address(kernel, ram_base, load_addr):
    """Where QEMU puts the image: None when it loads an ELF at its link address."""
    header = image_header(kernel)
    if load_addr is not None:
        if header is None:
            raise Error(f'--load-addr loads a raw Image; {kernel} is an ELF file')
        return load_addr
    if header is None:
        return None
    text_offset, image_size = header
    if image_size == 0:
        # QEMU ignores text_offset then; our images always set image_size.
        raise Error(f'{kernel}: image_size is 0 in its Image header')
    if text_offset < QEMU_BOOT_STUB_MAX:
        text_offset += QEMU_TEXT_BUMP
    return ram_base + text_offset


def fdtget(dtb, node, prop, kind):
    try:
        out = subprocess.run(['fdtget', '-t', kind, dtb, node, prop], check=True,
                             capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise Error('fdtget not found. Install it with: apt-get install device-tree-compiler')
    except subprocess.CalledProcessError as e:
        raise Error(f'{dtb}: {node} {prop}: {e.stderr.strip()}')
    return out.split()


def guest_nodes(dtb):
    out = subprocess.run(['fdtget', '-l', dtb, '/mortise'], capture_output=True, text=True)
    return out.stdout.split()


def hexs(value):
    return f'-{-value:#x}' if value < 0 else f'{value:#x}'


def host_script(args):
    link = elf_entry(args.elf)
    load = qemu_load_address(args.kernel, args.ram_base, args.load_addr)
    if load is None:
        load = link
    offset = load - link
    how = ('QEMU -kernel of an ELF file: its link address' if image_header(args.kernel) is None else
           f'qemu-run --load-addr {args.load_addr:#x}' if args.load_addr is not None else
           f'QEMU -kernel: RAM base {args.ram_base:#x} + text_offset (+2 MiB below 4 KiB)')
    lines = [
        f'# {args.elf}',
        f'# links _start at {link:#x} and runs at {load:#x} ({how}):',
        f'# symbols are loaded with offset {hexs(offset)}.',
        *common_lines(args.elf, offset, args.remote),
        '# The Image header is where the symbols put _start, or the offset is wrong.',
        f'if *(unsigned int *){load + 56:#x} != {IMAGE_MAGIC:#x}',
        f'  echo \\ntn: no arm64 Image header at {load:#x}: the symbols do not match the image QEMU runs.\\n',
        '  echo tn: give make gdb-attach the same QEMU_KERNEL/QEMU_LOAD_ADDR as make debug.\\n',
        'end',
    ]
    return lines, [('symbols', f'{args.elf}'), ('offset', f'{hexs(offset)} (runs at {load:#x}, linked at {link:#x})')]


def guest_script(args):
    guest = args.guest
    nodes = guest_nodes(args.dtb)
    if guest not in nodes:
        raise Error(f"GUEST={guest}: no such guest in {args.dtb}; its guests are: {' '.join(nodes) or 'none'}")
    node = f'/mortise/{guest}'
    image = fdtget(args.dtb, node, 'image', 's')[0]
    cpus = [int(c) for c in fdtget(args.dtb, node, 'cpus', 'u')]
    gdir = os.path.join(args.guests_dir, image)
    elfs = sorted(f for f in os.listdir(gdir) if f.endswith('.elf')) if os.path.isdir(gdir) else []
    if len(elfs) != 1:
        raise Error(f'guest image {image}: expected one .elf in {gdir}, found {len(elfs)} (build first)')
    elf = os.path.join(gdir, elfs[0])
    text_offset, _ = image_header(os.path.join(gdir, 'guest.bin'))
    link = elf_entry(elf)
    run = GUEST_RAM_IPA + text_offset
    offset = run - link
    # QEMU numbers its CPUs from 0; gdb numbers their threads from 1.
    threads = [c + 1 for c in cpus]
    lines = [
        f"# Guest '{guest}' (image '{image}'): {elf}",
        f'# links _start at {link:#x} and runs at IPA {run:#x} (guest RAM {GUEST_RAM_IPA:#x}',
        f'# + text_offset {text_offset:#x}), which its identity map makes the VA:',
        f'# symbols are loaded with offset {hexs(offset)}. It runs on CPU(s)',
        f"# {' '.join(map(str, cpus))}, gdb thread(s) {' '.join(map(str, threads))}. Other CPUs run Mortise",
        '# or other guests, possibly at the same addresses: gbreak stops only this guest.',
        *common_lines(elf, offset, args.remote),
        'define gbreak',
        *[f'  break $arg0 thread {t}' for t in threads],
        'end',
        'document gbreak',
        f"Set a breakpoint that stops only guest '{guest}' (gdb thread(s) {' '.join(map(str, threads))}).",
        'end',
    ]
    return lines, [('symbols', f"{elf} (guest '{guest}')"),
                   ('offset', f'{hexs(offset)} (runs at IPA {run:#x}, linked at {link:#x})'),
                   ('threads', f"{' '.join(map(str, threads))} (CPU {' '.join(map(str, cpus))}); gbreak LOCATION stops only this guest")]


def common_lines(elf, offset, remote):
    return [
        # QEMU may still be starting (make gdb starts both at once).
        'set tcp connect-timeout 60',
        f'exec-file {elf}',
        f'symbol-file -o {hexs(offset)} {elf}',
        f'target remote {remote}',
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', required=True, help='gdb command file to write')
    p.add_argument('--elf', required=True, help="the image's ELF (symbols)")
    p.add_argument('--kernel', required=True, help='what QEMU boots (-kernel or --load-addr)')
    p.add_argument('--ram-base', type=lambda s: int(s, 0), default=0x4000_0000)
    p.add_argument('--load-addr', type=lambda s: int(s, 0))
    p.add_argument('--remote', required=True, help='HOST:PORT of the gdb stub')
    p.add_argument('--guest', help='a guest of the partition description: load its symbols')
    p.add_argument('--dtb', help='compiled partition description (with --guest)')
    p.add_argument('--guests-dir', help='build directory of the guest images (with --guest)')
    p.add_argument('--summary', action='store_true', help='print what to run to attach')
    args = p.parse_args()
    try:
        if args.guest:
            if not args.dtb or not os.path.exists(args.dtb):
                raise Error(f'GUEST={args.guest} needs a combined host image with a partition description')
            lines, facts = guest_script(args)
        else:
            lines, facts = host_script(args)
    except (Error, OSError) as e:
        sys.exit(f'gdbscript: {e}')
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        f.write('# Generated by support/gdb/gdbscript.py (make gdb / debug / gdb-attach).\n')
        f.write('\n'.join(lines) + '\n')
    if args.summary:
        for name, text in facts:
            print(f'  {name:<9}{text}')
        cmds = [l for l in lines if l.startswith(('exec-file', 'symbol-file', 'target'))]
        print(f'  attach:  gdb-multiarch -x {shlex.quote(args.out)}')
        print('           or by hand: ' + ' ; '.join(cmds))


if __name__ == '__main__':
    main()
