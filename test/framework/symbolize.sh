# make symbolize LOG=...: a fault report captured from an image loaded away
# from its link address names the faulting function, with its source line,
# through the load offset the report prints; without LOG= the target says
# what to give it.
source "$(dirname "$0")/common.bash"
export TN_NO_DWARF=  # the source lines come from the DWARF (test/run's builds leave it out)
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
app="$SRC_ROOT/test/apps/stack-overflow"
out="$SCRATCH/build"
make -s -C "$app" O="$out" defconfig >/dev/null
make -s -C "$app" O="$out" >/dev/null
log="$SCRATCH/run.log"
"$SRC_ROOT/scripts/qemu-run" --kernel "$out/stack-overflow_qemu-virt.bin" --load-addr 0x48000000 \
    --timeout 10 >"$log" 2>&1 || true
expect_contains "$(cat "$log")" 'load offset 0x7e00000\)'

sym=$(make -s -C "$app" O="$out" symbolize LOG="$log")
# The run-time PC (0x48...) only resolves with the offset applied.
expect_contains "$sym" '^  PC  0x0000000048[0-9a-f]{6} <stack_overflow_recurse\+0x[0-9a-f]+> .*\[test/apps/stack-overflow/main\.cpp:[0-9]+\]$'
expect_contains "$sym" '^  LR  0x0000000048[0-9a-f]{6} <stack_overflow_recurse\+0x[0-9a-f]+> .*\[test/apps/stack-overflow/main\.cpp:[0-9]+\]$'
expect_contains "$sym" '^  x30 0x0000000048[0-9a-f]{6} <stack_overflow_recurse\+0x[0-9a-f]+>'
# Lines without addresses in the image come through unchanged.
expect_contains "$sym" '^stack-overflow: thread "deep-recursion" on CPU 0 recursing$'
[ "$(wc -l <<<"$sym")" -eq "$(wc -l <"$log")" ] || fail "symbolize changed the number of lines"

# A relative LOG= is found where make was started.
cd "$SCRATCH"
rel=$(make -s -C "$app" O="$out" symbolize LOG=run.log)
expect_contains "$rel" '<stack_overflow_recurse\+0x'

if msg=$(make -s -C "$app" O="$out" symbolize 2>&1); then
    fail "make symbolize without LOG= succeeded"
fi
expect_contains "$msg" 'make symbolize needs LOG=<file>'

# TN_NO_DWARF=1 (test/run's builds): no DWARF, and not one byte of the image changes.
make -s -C "$app" O="$SCRATCH/nodwarf" defconfig >/dev/null
make -s -C "$app" O="$SCRATCH/nodwarf" TN_NO_DWARF=1 >/dev/null
cmp "$out/stack-overflow_qemu-virt.bin" "$SCRATCH/nodwarf/stack-overflow_qemu-virt.bin" ||
    fail "the image built with TN_NO_DWARF=1 differs from the one built with -g"
grep -q '\.debug_info' <<<"$(aarch64-linux-gnu-readelf -S "$out/stack-overflow_qemu-virt.elf")" || fail "no DWARF in the -g build"
if grep -q '\.debug_info' <<<"$(aarch64-linux-gnu-readelf -S "$SCRATCH/nodwarf/stack-overflow_qemu-virt.elf")"; then
    fail "TN_NO_DWARF=1 left DWARF in the image's ELF"
fi
echo ok
