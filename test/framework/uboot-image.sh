# make uboot-image writes what U-Boot boots (docs/u-boot.md): the Image, a FIT,
# boot.scr, extlinux.conf and a disk with an MBR and a bootable FAT partition
# holding them, without root; quietly, with the commands under V=1, nothing
# redone when nothing changed; UBOOT_DTB puts a board's device tree into the FIT
# and onto the disk, and both boot paths then boot with it; a missing tool is
# named with its Debian package. (The boots of every kind are qemu/uboot-*.)
source "$(dirname "$0")/common.bash"
scratch_tree
app="$TREE/apps/helloworld"
u="$app/build/uboot"
mk() { nice -n 19 make -C "$app" -j2 "$@" 2>&1; }

out=$(mk uboot-image) || { printf '%s\n' "$out"; fail "make uboot-image failed"; }
for line in 'MKIMAGE +uboot/image\.itb' 'MKIMAGE +uboot/boot\.scr' 'GEN +uboot/extlinux/extlinux\.conf' \
    'DISK +uboot/disk\.img' 'U-Boot +uboot/: Image image\.itb boot\.scr extlinux/extlinux\.conf disk\.img'; do
    expect_contains "$out" "^  $line"
done
expect_not_contains "$out" 'mkimage -|sfdisk|mcopy|Image Type|FIT description'

cmp -s "$u/Image" "$app/build/helloworld_qemu-virt.bin" || fail "uboot/Image is not the image's .bin"
fit=$(mkimage -l "$u/image.itb") || fail "mkimage -l cannot read image.itb"
expect_contains "$fit" 'Type: +Kernel Image \(no loading done\)'
expect_contains "$fit" "Default Configuration: 'helloworld'"
expect_contains "$fit" 'Hash algo: +sha256'
expect_not_contains "$fit" 'Flat Device Tree'
expect_contains "$(mkimage -l "$u/boot.scr")" 'Image Type: +AArch64 Linux Script'
expect_contains "$(cat "$u/boot.cmd")" '^bootm \$\{ramdisk_addr_r\}#helloworld - \$\{fdtcontroladdr\}$'
expect_contains "$(cat "$u/extlinux/extlinux.conf")" '^[[:space:]]+kernel /Image$'
expect_not_contains "$(cat "$u/extlinux/extlinux.conf")" 'menu|fdt'

# The disk: an MBR whose one partition (FAT, bootable) starts at 1 MiB, holding the files.
table=$(/usr/sbin/sfdisk -d "$u/disk.img") || fail "sfdisk cannot read the disk's partition table"
expect_contains "$table" '^label: dos$'
expect_contains "$table" 'disk\.img1 : start= +2048, size= +[0-9]+, type=c, bootable$'
[ "$(grep -c 'disk\.img[0-9]' <<<"$table")" = 1 ] || fail "the disk has more than one partition: $table"
listing=$(mdir -i "$u/disk.img@@1M" -b -/ ::/) || fail "mtools cannot read the FAT partition"
for f in ::/Image ::/image.itb ::/boot.scr ::/extlinux/extlinux.conf; do
    grep -qix -- "$f" <<<"$listing" || { printf '%s\n' "$listing"; fail "$f is not on the disk"; }
done
mcopy -n -i "$u/disk.img@@1M" ::/image.itb "$SCRATCH/from-disk.itb"
cmp -s "$SCRATCH/from-disk.itb" "$u/image.itb" || fail "image.itb on the disk differs from uboot/image.itb"

# Nothing changed, nothing redone; V=1 prints the commands.
out=$(mk uboot-image) || fail "second make uboot-image failed"
expect_not_contains "$out" 'MKIMAGE|DISK|GEN'
rm "$u/disk.img"
out=$(mk uboot-image V=1) || { printf '%s\n' "$out"; fail "make uboot-image V=1 failed"; }
expect_contains "$out" 'sfdisk -q'
expect_contains "$out" 'mkfs\.vfat --offset 2048'
expect_contains "$out" 'mcopy -i '

# A board's device tree (here QEMU virt's, as the run below configures it): in the FIT's
# configuration, on the disk and in extlinux.conf; boot.scr then takes the FIT's.
dtb="$SCRATCH/virt.dtb"
"$TREE/scripts/qemu-run" --dump-dtb "$dtb" --gic 3 --el2 || fail "qemu-run --dump-dtb failed"
out=$(mk uboot-image UBOOT_DTB="$dtb") || { printf '%s\n' "$out"; fail "make uboot-image UBOOT_DTB= failed"; }
fit=$(mkimage -l "$u/image.itb")
expect_contains "$fit" 'Type: +Flat Device Tree'
expect_contains "$fit" 'FDT: +fdt'
expect_contains "$(cat "$u/extlinux/extlinux.conf")" '^[[:space:]]+fdt /board\.dtb$'
expect_contains "$(cat "$u/boot.cmd")" '^bootm \$\{ramdisk_addr_r\}#helloworld$'
grep -qix '::/board.dtb' <<<"$(mdir -i "$u/disk.img@@1M" -b ::/)" || fail "board.dtb is not on the disk"
for how in extlinux script; do
    out=$(mk run-uboot UBOOT_DTB="$dtb" UBOOT_BOOT=$how QEMU_EL2=1 QEMU_GIC=3 QEMU_TIMEOUT=60 </dev/null) ||
        { printf '%s\n' "$out"; fail "make run-uboot UBOOT_BOOT=$how with UBOOT_DTB failed"; }
    expect_contains "$out" '^Hello from Tenon'
done
expect_contains "$out" 'Loading fdt from FIT Image'
out=$(mk uboot-image) || fail "make uboot-image without UBOOT_DTB failed"
expect_contains "$out" 'MKIMAGE +uboot/image\.itb'
expect_not_contains "$(mkimage -l "$u/image.itb")" 'Flat Device Tree'

# A missing tool is named with its package. PATH: links to every program but the one.
for tool in mkimage:u-boot-tools mcopy:mtools; do
    name=${tool%%:*} pkg=${tool##*:}
    bin="$SCRATCH/path-without-$name"
    mkdir -p "$bin"
    IFS=: read -ra dirs <<<"$PATH"
    for d in "${dirs[@]}"; do
        [ -d "$d" ] || continue
        for f in "$d"/*; do
            n=${f##*/}
            [ "$n" != "$name" ] && [ -x "$f" ] && [ ! -e "$bin/$n" ] && ln -s "$f" "$bin/$n"
        done
    done
    PATH="$bin" command -v "$name" >/dev/null && fail "could not hide $name"
    rm -rf "$u"
    if out=$(PATH="$bin" make -C "$app" uboot-image 2>&1); then fail "make uboot-image without $name succeeded"; fi
    expect_contains "$out" "$name not found\. Install it with: (sudo )?apt-get install $pkg"
done
out=$("$TREE/scripts/qemu-run" --uboot "$dtb" --uboot-bios "$SCRATCH/no-such-u-boot.bin" 2>&1) &&
    fail "qemu-run --uboot without U-Boot succeeded"
expect_contains "$out" 'Install it with: (sudo )?apt-get install u-boot-qemu'
echo ok
