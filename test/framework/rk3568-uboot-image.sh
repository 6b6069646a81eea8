# What a board owner copies to an RK3568 board's boot partition (docs/boards/rk3568.md):
# make uboot-image of an rk3568 helloworld with the real ROCK 3A device tree
# (Debian's, scripts/rk3568-dtbs) gives the Image, a FIT whose configuration
# carries that tree, a boot.scr that loads the FIT from whichever device U-Boot's
# distro boot found it on, and an extlinux.conf naming Image and board.dtb. QEMU
# cannot boot it, so run-uboot refuses with the fix instead of waiting silently.
# Skipped (exit 77) when the kernel package with the trees is neither cached nor
# downloadable.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"

dtbs=$("$SRC_ROOT/scripts/rk3568-dtbs" 2>"$SCRATCH/dtbs.err") || {
    rc=$?
    cat "$SCRATCH/dtbs.err"
    [ "$rc" = 3 ] && { echo "Debian's rk3568 device trees are neither cached nor downloadable"; exit 77; }
    fail "scripts/rk3568-dtbs failed"
}
dtb="$dtbs/rk3568-rock-3a.dtb"
[ -f "$dtb" ] || fail "no $dtb"

app="$SRC_ROOT/apps/helloworld"
out="$SCRATCH/helloworld"
u="$out/uboot"
mk() { nice -n 19 make -C "$app" O="$out" -j2 "$@" 2>&1; }
mk DEFCONFIG="$app/defconfig.rk3568" defconfig >/dev/null || fail "defconfig.rk3568 failed"
res=$(mk uboot-image UBOOT_DTB="$dtb") || { printf '%s\n' "$res"; fail "make uboot-image UBOOT_DTB= failed"; }
expect_contains "$res" 'U-Boot +.*uboot/: Image image\.itb boot\.scr extlinux/extlinux\.conf disk\.img'

cmp -s "$u/Image" "$out/helloworld_rk3568.bin" || fail "uboot/Image is not the rk3568 image"
cmp -s "$u/board.dtb" "$dtb" || fail "uboot/board.dtb is not the board's tree"
fit=$(mkimage -l "$u/image.itb") || fail "mkimage -l cannot read image.itb"
expect_contains "$fit" 'Type: +Kernel Image \(no loading done\)'
expect_contains "$fit" 'Description: +rk3568-rock-3a\.dtb'
expect_contains "$fit" 'Type: +Flat Device Tree'
# The tree inside the FIT is the board's, byte for byte.
dumpimage -T flat_dt -p 1 -o "$SCRATCH/fit-fdt.dtb" "$u/image.itb" >/dev/null || fail "dumpimage cannot extract the FDT"
cmp -s "$SCRATCH/fit-fdt.dtb" "$dtb" || fail "the FIT's device tree is not rk3568-rock-3a.dtb"
grep -q 'stdout-path = "serial2:1500000n8"' <<<"$(dtc -I dtb -O dts "$SCRATCH/fit-fdt.dtb" 2>/dev/null)" ||
    fail "the FIT's tree does not name UART2 at 1,500,000 baud as the console"
cmd=$(cat "$u/boot.cmd")
expect_contains "$cmd" '^load \$\{devtype\} \$\{devnum\}:\$\{distro_bootpart\} \$\{ramdisk_addr_r\} /image\.itb$'
expect_contains "$cmd" '^bootm \$\{ramdisk_addr_r\}#helloworld$'
conf=$(cat "$u/extlinux/extlinux.conf")
expect_contains "$conf" '^[[:space:]]+kernel /Image$'
expect_contains "$conf" '^[[:space:]]+fdt /board\.dtb$'
listing=$(mdir -i "$u/disk.img@@1M" -b -/ ::/) || fail "mtools cannot read the FAT partition"
for f in ::/Image ::/image.itb ::/boot.scr ::/board.dtb ::/extlinux/extlinux.conf; do
    grep -qix -- "$f" <<<"$listing" || { printf '%s\n' "$listing"; fail "$f is not on the disk"; }
done

if res=$(mk run-uboot UBOOT_DTB="$dtb" </dev/null); then
    fail "make run-uboot of an rk3568 image did not refuse: $res"
fi
expect_contains "$res" 'QEMU cannot emulate the RK3568.*make uboot-image UBOOT_DTB='
echo ok
