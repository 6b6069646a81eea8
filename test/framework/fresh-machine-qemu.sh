# A fresh Debian 12 machine has QEMU without its recommended packages, so no
# option ROMs (ipxe-qemu). This machine may have them: hide every ROM
# directory QEMU searches (qemu-system-aarch64 -L help) behind an empty bind
# mount in a private mount namespace, then boot as a new user would:
# `make run` of helloworld and of a combined Mortise image, `make run-uboot` of
# helloworld (Debian's U-Boot as the firmware), and the device
# tree dump the host tests and fuzzers take their seeds from.
# Needs root (unshare -m); otherwise it is reported as skipped, not passed.
source "$(dirname "$0")/common.bash"

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
    echo "SKIP: masking QEMU's ROM directories needs root and unshare -m"
    exit 77
fi
command -v qemu-system-aarch64 >/dev/null || fail "qemu-system-aarch64 not installed (scripts/deps)"

scratch_tree
mkdir -p "$SCRATCH/empty"
mapfile -t romdirs < <(qemu-system-aarch64 -L help | while read -r d; do [ -d "$d" ] && realpath "$d"; done)
[ ${#romdirs[@]} -gt 0 ] || fail "qemu-system-aarch64 -L help listed no existing directory"

# Runs "$@" with every ROM directory masked; prints the output.
masked() {
    # shellcheck disable=SC2016
    unshare -m --propagation private bash -c '
        empty=$1; shift; n=$1; shift
        for d in "${@:1:$n}"; do mount --bind "$empty" "$d" || exit 90; done
        shift "$n"
        ls /usr/lib/ipxe/qemu/efi-virtio.rom >/dev/null 2>&1 && { echo "ROM still visible"; exit 91; }
        exec "$@"' masked "$SCRATCH/empty" "${#romdirs[@]}" "${romdirs[@]}" "$@" 2>&1
}

# The ROM really is out of reach inside the namespace.
out=$(masked qemu-system-aarch64 -L help) || fail "masking failed: $out"

make -C "$TREE/apps/helloworld" -s >/dev/null 2>&1 || fail "helloworld does not build"
out=$(masked make -C "$TREE/apps/helloworld" run QEMU_TIMEOUT=60) ||
    { printf '%s\n' "$out"; fail "make run of helloworld failed without QEMU's option ROMs"; }
expect_contains "$out" '^Hello from Tenon'

# U-Boot as the firmware (make run-uboot) needs no option ROM either.
out=$(masked make -C "$TREE/apps/helloworld" run-uboot QEMU_TIMEOUT=60) ||
    { printf '%s\n' "$out"; fail "make run-uboot of helloworld failed without QEMU's option ROMs"; }
expect_contains "$out" '^Hello from Tenon'

make -C "$TREE/apps/mortise-two-tenons" -s >/dev/null 2>&1 || fail "mortise-two-tenons does not build"
out=$(masked make -C "$TREE/apps/mortise-two-tenons" run QEMU_TIMEOUT=60) ||
    { printf '%s\n' "$out"; fail "make run of mortise-two-tenons failed without QEMU's option ROMs"; }
expect_contains "$out" "^mortise: no guest is running any more"

if [ -x "$TREE/scripts/qemu-run" ] && grep -q -- '--dump-dtb' "$TREE/scripts/qemu-run"; then
    out=$(masked "$TREE/scripts/qemu-run" --dump-dtb "$SCRATCH/virt.dtb" --gic 3 --el2) ||
        { printf '%s\n' "$out"; fail "dumping QEMU virt's device tree failed without option ROMs"; }
    [ -s "$SCRATCH/virt.dtb" ] || fail "qemu-run --dump-dtb wrote nothing"
else
    fail "scripts/qemu-run has no --dump-dtb: tests dump QEMU's device tree some other way"
fi
# Every other QEMU invocation would need its own -nic none: there is none.
# (Asking QEMU its version or ROM path starts no machine: those are fine.)
others=$(grep -rn --exclude-dir=.git --exclude-dir=build --exclude='*.md' --exclude=Config.uk \
    'qemu-system-aarch64 *-' "$SRC_ROOT" | grep -v "^$SRC_ROOT/scripts/qemu-run:" | grep -v -e '--version' -e '-L help' || true)
[ -z "$others" ] || { printf '%s\n' "$others"; fail "QEMU started outside scripts/qemu-run (use it: it asks for no NIC)"; }
echo ok
