# scripts/qemu-run --module KIND:NAME:FILE (boot modules without U-Boot): every malformed
# or impossible request is refused before QEMU boots, with exit status 2 and a message
# that says what to write instead. The boots themselves are qemu/mortise-modules-loader*.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
cd "$SCRATCH"
run="$SRC_ROOT/scripts/qemu-run"
printf 'not booted' >kernel.bin
printf 'module' >guest.bin
: >empty.bin

# refused ARGS... PATTERN: qemu-run exits 2 and prints PATTERN.
refused() {
    local pattern=${*: -1} rc=0 out
    out=$("$run" --kernel kernel.bin --timeout 5 "${@:1:$#-1}" 2>&1) || rc=$?
    [ "$rc" = 2 ] || { printf '%s\n' "$out"; fail "qemu-run ${*:1:$#-1}: exit status $rc, expected 2"; }
    expect_contains "$out" "$pattern"
}

refused --module tenon:alpha 'write KIND:NAME:FILE'
refused --module kernel:alpha:guest.bin 'KIND is partitions, tenon, linux, initramfs or dt-overlay'
refused --module partitions:desc:guest.bin 'the partition description has no name: partitions:-:FILE'
refused --module tenon:al.pha:guest.bin 'NAME is 1 to 31 characters of \[A-Za-z0-9_-\]'
refused --module tenon:alpha:missing.bin 'missing.bin does not exist'
refused --module tenon:alpha:empty.bin 'empty.bin is empty'
refused --module tenon:alpha:guest.bin --initrd guest.bin '--module needs --kernel, and no --load-addr, --initrd'
refused --module tenon:alpha:guest.bin --load-addr 0x48000000 '--module needs --kernel, and no --load-addr'
refused --module tenon:alpha:guest.bin --mem 1T 'write the size in M or G'

# Too large for the upper half of RAM: said after the machine's tree is dumped, before the boot.
truncate -s 200M big.bin
refused --mem 256M --module partitions:-:guest.bin --module tenon:big:big.bin \
    'tenon:big:big.bin: the modules do not fit in the top half of 256M of RAM: give more --mem'
echo "qemu-run --module: every bad request refused"
