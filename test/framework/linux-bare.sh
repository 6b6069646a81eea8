# Bare-Linux baseline: the stock Debian arm64 kernel from scripts/linux-artifacts
# boots in QEMU (GICv3, 2 CPUs, 512 MiB) with the initramfs of
# scripts/linux-initramfs to the marker line and powers off, once under
# -icount in power-off mode (the boot figure) and once running a script from
# a rootfs/ overlay (tn.init=PATH; its exit status is reported).
#
# Skipped (status 77) when the artifacts are not cached and Debian's archive
# is unreachable: fetch them once with scripts/linux-artifacts.
#
# Regression guard: about 345 million instructions from reset to /init
# (kernel 6.1, cryptomgr.notests=1). The ceiling is twice that.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/rootfs/usr/bin"

rc=0
manifest=$("$SRC_ROOT/scripts/linux-artifacts" 2>"$SCRATCH/fetch.log") || rc=$?
if [ "$rc" = 3 ]; then
    cat "$SCRATCH/fetch.log"
    echo "no cached Linux artifacts and no network: run scripts/linux-artifacts"
    exit 77
fi
[ "$rc" = 0 ] || { cat "$SCRATCH/fetch.log"; fail "scripts/linux-artifacts failed ($rc)"; }
image=$(sed -n 's/^LINUX_IMAGE=//p' <<<"$manifest")
busybox=$(sed -n 's/^BUSYBOX=//p' <<<"$manifest")

printf '#!/bin/sh\necho "check: overlay ran on $(uname -m)"\nexit 3\n' >"$SCRATCH/rootfs/usr/bin/tn-check"
chmod 755 "$SCRATCH/rootfs/usr/bin/tn-check"
"$SRC_ROOT/scripts/linux-initramfs" --busybox "$busybox" --rootfs "$SCRATCH/rootfs" -o "$SCRATCH/initramfs.cpio.gz"

boot() {
    local append=$1
    shift
    nice "$SRC_ROOT/scripts/qemu-run" --kernel "$image" --initrd "$SCRATCH/initramfs.cpio.gz" \
        --gic 3 --smp 2 --mem 512M --timeout 120 \
        --append "console=ttyAMA0 nokaslr cryptomgr.notests=1 $append" "$@" 2>&1
}

out=$(boot tn.init=poweroff --icount) || { printf '%s\n' "$out"; fail "QEMU exited with $? (power-off mode)"; }
expect_contains "$out" '^linux: init reached'
expect_contains "$out" '^linux: [0-9]+ counter ticks from reset to /init \(counter 62500000 Hz\)'
expect_contains "$out" 'reboot: Power down'
ticks=$(sed -n 's/^linux: \([0-9]*\) counter ticks.*/\1/p' <<<"$out")
echo "bare Linux: $ticks instructions from reset to /init"
[ "$ticks" -le 700000000 ] || fail "$ticks instructions to /init, more than the 700 million ceiling"

out=$(boot tn.init=/usr/bin/tn-check) || { printf '%s\n' "$out"; fail "QEMU exited with $? (script mode)"; }
expect_contains "$out" '^linux: init reached'
expect_contains "$out" '^check: overlay ran on aarch64'
expect_contains "$out" '^linux: /usr/bin/tn-check exited with status 3'
expect_contains "$out" 'reboot: Power down'
echo ok
