# A Mortise image's partition description is checked against a board's device
# tree when TN_PARTCHECK_DTB names one (docs/mortise.md, "Checking against a
# board"): a copy of apps/mortise-two-tenons (scratch directory, built against
# this tree, only as far as its compiled description) against Debian's
# rk3568-rock-3a tree. Without RAM (a kernel's tree has no /memory) the build
# fails saying what to give; with TN_PARTCHECK_RAM it passes; a guest given the
# board's console UART2 fails with file:line naming it, while QEMU virt (no
# TN_PARTCHECK_DTB: the check reruns) has nothing there; a tree that does not
# exist is named.
#
# Skipped (status 77) when the rk3568 trees are neither cached nor downloadable:
# fetch them once with scripts/rk3568-dtbs.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
rc=0
DTBS=$("$SRC_ROOT/scripts/rk3568-dtbs" 2>"$SCRATCH/fetch.log") || rc=$?
if [ "$rc" = 3 ]; then
    cat "$SCRATCH/fetch.log"
    echo "no cached rk3568 device trees and no network: run scripts/rk3568-dtbs"
    exit 77
fi
[ "$rc" = 0 ] || { cat "$SCRATCH/fetch.log"; fail "scripts/rk3568-dtbs failed ($rc)"; }
BOARD="$DTBS/rk3568-rock-3a.dtb"
[ -s "$BOARD" ] || fail "no $BOARD"
# What a 4 GiB board's U-Boot puts in /memory.
RAM="0x200000:0xefe00000 0x100000000:4G"

APP="$SCRATCH/mortise-two-tenons"
cp -r "$SRC_ROOT/apps/mortise-two-tenons" "$APP"
rm -rf "$APP/build"
BUILD="$SCRATCH/build"
DTB="$BUILD/partitions.dtb"
mk() { make -C "$APP" TN_ROOT="$SRC_ROOT" O="$BUILD" "$@"; }
mk -s defconfig >/dev/null

if out=$(mk "$DTB" TN_PARTCHECK_DTB="$BOARD" 2>&1); then
    printf '%s\n' "$out"
    fail "the board's tree without /memory and no TN_PARTCHECK_RAM was accepted"
fi
expect_contains "$out" "rk3568-rock-3a.dtb: the board's device tree has no /memory node .*--ram BASE:SIZE"
[ ! -e "$DTB" ] || fail "a description checked against nothing was kept"
echo "ok: no RAM"

out=$(mk "$DTB" TN_PARTCHECK_DTB="$BOARD" TN_PARTCHECK_RAM="$RAM" 2>&1) ||
    { printf '%s\n' "$out"; fail "the app's description does not pass on the rk3568 board"; }
expect_contains "$out" "PARTCHECK"
[ -s "$DTB" ] || fail "no compiled description"
echo "ok: rk3568 with RAM"

# beta gets the board's console UART (relative paths are from the app's directory).
sed -i '/image = "beta";/a\			mmio = <0x0 0xfe660000 0x0 0x1000>;' "$APP/partitions.dts"
cp "$BOARD" "$APP/board.dtb"
if out=$(mk "$DTB" TN_PARTCHECK_DTB=board.dtb TN_PARTCHECK_RAM="$RAM" 2>&1); then
    printf '%s\n' "$out"
    fail "the board's console UART was given to a guest"
fi
expect_contains "$out" "partitions.dts:[0-9]+: /mortise/beta: mmio region \[0xfe660000, 0xfe661000\) overlaps the console UART \[0xfe660000, 0xfe660100\), a device Mortise keeps"
[ ! -e "$DTB" ] || fail "the rejected description was kept"
echo "ok: console UART refused"

out=$(mk "$DTB" 2>&1) || { printf '%s\n' "$out"; fail "QEMU virt refused a device it does not have"; }
[ -s "$DTB" ] || fail "no compiled description for QEMU virt"
echo "ok: QEMU virt again"

if out=$(mk "$DTB" TN_PARTCHECK_DTB=no-such.dtb 2>&1); then
    printf '%s\n' "$out"
    fail "a board tree that does not exist was accepted"
fi
expect_contains "$out" "TN_PARTCHECK_DTB: $APP/no-such.dtb does not exist"
[ ! -e "$DTB" ] || fail "a description not checked against the named board was kept"
echo ok
