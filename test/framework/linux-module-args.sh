# Module parameters of a Linux guest (docs/linux-guest.md, "Module parameters"):
# /init's module loop (support/linux/init) hands insmod the words of
# lib/modules/NAME.args, quotes kept for the kernel, and nothing for a module
# without one; TN_GUEST_<name>_MODULE_ARGS_<module> writes that file into the
# initramfs the build makes, and dropping the variable takes it out again.
# The ivc-tool of TN_GUEST_<name>_IVC_TOOL is in the same initramfs, a static
# arm64 executable.
#
# The build half is skipped (status 77) when Debian's kernel is neither cached
# nor downloadable; the /init half needs nothing.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/root/lib/modules"

# 1. /init's loop, run by this shell over a scratch root, insmod recorded.
root="$SCRATCH/root"
printf 'dep\nmain\n' >"$root/lib/modules/load-order"
printf 'level=3 name="a b"\n' >"$root/lib/modules/main.args"
loop=$(sed -n '/^if \[ -f \/lib\/modules\/load-order \]; then$/,/^fi$/p' "$SRC_ROOT/support/linux/init")
[ -n "$loop" ] || fail "support/linux/init: the module loop (if [ -f /lib/modules/load-order ]; then ... fi) is gone"
insmod() { printf 'insmod' >>"$SCRATCH/insmod.log"; printf ' <%s>' "$@" >>"$SCRATCH/insmod.log"; echo >>"$SCRATCH/insmod.log"; }
eval "${loop//\/lib\/modules/$root/lib/modules}"
log=$(cat "$SCRATCH/insmod.log")
printf '%s\n' "$log"
[ "$log" = "insmod <$root/lib/modules/dep.ko>
insmod <$root/lib/modules/main.ko> <level=3> <name=\"a> <b\">" ] || fail "/init gave insmod other arguments than expected"

# 2. The build writes lib/modules/evdev.args, and removes it with the variable.
rc=0
"$SRC_ROOT/scripts/linux-artifacts" >/dev/null 2>"$SCRATCH/fetch.log" || rc=$?
if [ "$rc" = 3 ]; then
    cat "$SCRATCH/fetch.log"
    echo "no cached Linux artifacts and no network: run scripts/linux-artifacts"
    exit 77
fi
[ "$rc" = 0 ] || { cat "$SCRATCH/fetch.log"; fail "scripts/linux-artifacts failed ($rc)"; }

O="$SCRATCH/build"
initramfs="$O/guests/linux/initramfs.cpio.gz"
make -s -C "$SRC_ROOT/apps/ivc-demo" TN_ROOT="$SRC_ROOT" O="$O" defconfig >/dev/null
make -s -C "$SRC_ROOT/apps/ivc-demo" TN_ROOT="$SRC_ROOT" O="$O" "$initramfs" \
    TN_GUEST_linux_MODULE_ARGS_evdev='foo=1 bar="x y"' || fail "building the initramfs with module arguments failed"
list=$("$SRC_ROOT/scripts/linux-initramfs" --list "$initramfs")
expect_contains "$list" ' lib/modules/evdev\.args$'
expect_contains "$list" ' lib/modules/gpio_keys\.ko$'
expect_contains "$list" '^-rwxr-xr-x +[0-9]+ bin/ivc-tool$'
expect_not_contains "$list" 'gpio_keys\.args'
args=$(cat "$O/guests/linux/module-args/lib/modules/evdev.args")
[ "$args" = 'foo=1 bar="x y"' ] || fail "evdev.args holds '$args'"
headers=$(readelf -h -l "$O/guests/linux/ivc-tool/bin/ivc-tool")
expect_contains "$headers" 'Machine: +AArch64'
expect_not_contains "$headers" 'INTERP'   # static: no dynamic loader

make -s -C "$SRC_ROOT/apps/ivc-demo" TN_ROOT="$SRC_ROOT" O="$O" "$initramfs" ||
    fail "building the initramfs without module arguments failed"
list=$("$SRC_ROOT/scripts/linux-initramfs" --list "$initramfs")
expect_not_contains "$list" '\.args$'
echo ok
