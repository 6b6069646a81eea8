# The RK3568 images build (no board is attached here, and QEMU cannot emulate
# one: this is a build-only test). helloworld with its defconfig.rk3568 (4
# CPUs, interrupt-driven console input), rtbench, and threads-demo (1 CPU,
# page pool) with polled console input; each is an arm64 Image U-Boot's
# booti takes, carries the 16550 driver and no PL011, and `make run` refuses
# with the fix instead of booting the wrong machine. Then Mortise for the
# board (plat/mortise-rk3568), both EL2 image kinds, checked the same way on
# the host side (the guests' own console is the emulated PL011 of Mortise's
# guest map on every board, so they are not looked at): mortise-two-tenons'
# two Tenon guests, not apps/linux-tenon's defconfig.rk3568, so that no Linux
# kernel is fetched or embedded here. Last, the hypervisor image again with
# Mortise mode 2 compiled in.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"

build() {  # build APP DEFCONFIG [SET]
    local app=$1 out="$SCRATCH/$1"
    make -s -C "$SRC_ROOT/apps/$app" O="$out" DEFCONFIG="$2" defconfig >/dev/null
    if [ -n "${3:-}" ]; then
        make -s -C "$SRC_ROOT/apps/$app" O="$out" setconfig SET="$3" >/dev/null
    fi
    make -s -C "$SRC_ROOT/apps/$app" O="$out" >/dev/null
}

for_rk3568() {  # the application's own defconfig with the platform swapped
    sed 's/^CONFIG_PLAT_QEMU_VIRT=y$/CONFIG_PLAT_RK3568=y/' "$SRC_ROOT/apps/$1/defconfig" > "$SCRATCH/$1.defconfig"
    grep -q '^CONFIG_PLAT_RK3568=y$' "$SCRATCH/$1.defconfig" || fail "apps/$1/defconfig names no CONFIG_PLAT_QEMU_VIRT=y"
    echo "$SCRATCH/$1.defconfig"
}

build helloworld "$SRC_ROOT/apps/helloworld/defconfig.rk3568"
build rtbench "$(for_rk3568 rtbench)"
build threads-demo "$(for_rk3568 threads-demo)" "DRV_SERIAL_NS16550_RX_IRQ=n"

for app in helloworld rtbench threads-demo; do
    bin="$SCRATCH/$app/${app}_rk3568.bin"
    elf="$SCRATCH/$app/${app}_rk3568.elf"
    [ -f "$bin" ] || fail "no $bin"
    # Documentation/arch/arm64/booting.rst: magic "ARM\x64" at 0x38, what booti checks.
    magic=$(od -An -tx1 -j56 -N4 "$bin" | tr -d ' ')
    [ "$magic" = "41524d64" ] || fail "$bin: no arm64 Image magic at 0x38 (got $magic)"
    syms=$(aarch64-linux-gnu-nm -C "$elf")
    expect_contains "$syms" 'tn::ns16550::Uart::put'
    expect_contains "$syms" 'tn::plat::rk3568::discover'
    expect_not_contains "$syms" 'tn::pl011::'
    echo "ok: $app: $(stat -c %s "$bin") bytes"
done
expect_contains "$(aarch64-linux-gnu-nm "$SCRATCH/helloworld/helloworld_rk3568.elf")" ' tn_plat_secondary_start$'
expect_contains "$(aarch64-linux-gnu-nm -C "$SCRATCH/helloworld/helloworld_rk3568.elf")" 'tn::ns16550::RxQueue::drain'
expect_not_contains "$(aarch64-linux-gnu-nm -C "$SCRATCH/threads-demo/threads-demo_rk3568.elf")" 'RxQueue'

if out=$(make -s -C "$SRC_ROOT/apps/helloworld" O="$SCRATCH/helloworld" run 2>&1); then
    fail "make run of an rk3568 image did not refuse: $out"
fi
expect_contains "$out" 'QEMU cannot emulate the RK3568.*docs/boards/rk3568.md'

# Mortise on the board: the combined host image first, then, in the same output
# directory, the hypervisor image (TN_IMAGE_MORTISE): only what uses the changed
# options rebuilds, and the guests (built unembedded, as boot modules) are reused.
printf 'CONFIG_TN_IMAGE_COMBINED=y\nCONFIG_PLAT_MORTISE_RK3568=y\nCONFIG_TN_MAX_CPUS=4\n' > "$SCRATCH/mortise.defconfig"
hyp=$SCRATCH/mortise-two-tenons
check_mortise() {  # KIND: checks the image just built, keeps a copy of it as mortise-KIND.bin
    local bin="$hyp/mortise-two-tenons_rk3568.bin" elf="$hyp/mortise-two-tenons_rk3568.elf" syms magic
    [ -f "$bin" ] || fail "no $bin"
    magic=$(od -An -tx1 -j56 -N4 "$bin" | tr -d ' ')
    [ "$magic" = "41524d64" ] || fail "$bin ($1): no arm64 Image magic at 0x38 (got $magic)"
    syms=$(aarch64-linux-gnu-nm -C "$elf")
    expect_contains "$syms" ' mortise_start$'
    expect_contains "$syms" 'tn::plat::mortise_rk3568::discover'
    expect_contains "$syms" 'tn::plat::rk3568::discover\(tn::fdt::Fdt const&\)'
    expect_contains "$syms" 'tn::ns16550::Uart::put'
    expect_contains "$syms" 'tn::ns16550::Uart::acknowledge'  # console input for the core
    expect_not_contains "$syms" 'tn::pl011::'
    expect_not_contains "$syms" 'tn::plat::qemu_virt::'
    cp "$bin" "$SCRATCH/mortise-$1.bin"
    echo "ok: mortise-two-tenons ($1): $(stat -c %s "$bin") bytes"
}
# The build checks the description against the board's tree (Debian's ROCK 3A, cached
# by scripts/rk3568-dtbs) with the smallest board's RAM, not against QEMU virt.
dtbs=$("$SRC_ROOT/scripts/rk3568-dtbs" 2>/dev/null) || dtbs=
build mortise-two-tenons "$SCRATCH/mortise.defconfig"
if [ -n "$dtbs" ]; then
    expect_contains "$(cat "$hyp/host/partcheck/.args")" "^--board-dtb $dtbs/rk3568-rock-3a\.dtb --ram 0x200000:0x3fe00000 "
else
    echo "note: Debian's rk3568 trees are not available; the description was checked against QEMU virt"
fi
expect_contains "$(cat "$hyp/images/.list")" '^alpha=.* beta=.*partitions.dtb'  # what hypimages.py embedded
check_mortise combined
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$hyp" setconfig SET="TN_IMAGE_MORTISE=y" >/dev/null
grep -q '^CONFIG_TN_IMAGE_MORTISE=y$' "$hyp/.config" || fail "setconfig TN_IMAGE_MORTISE=y did not switch the image kind"
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$hyp" >/dev/null
expect_not_contains "$(cat "$hyp/images/.list")" 'alpha='
check_mortise hypervisor
# The guests are in the combined image only.
combined=$(stat -c %s "$SCRATCH/mortise-combined.bin")
hypervisor=$(stat -c %s "$SCRATCH/mortise-hypervisor.bin")
[ "$hypervisor" -lt "$combined" ] || fail "the hypervisor image ($hypervisor bytes) is not smaller than the combined one ($combined)"

if out=$(make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$hyp" run 2>&1); then
    fail "make run of an rk3568 Mortise image did not refuse: $out"
fi
expect_contains "$out" 'QEMU cannot emulate the RK3568.*docs/boards/rk3568.md'

# Mode 2 on the board: the same hypervisor image with MORTISE_MODE2 (lib/sched at
# EL2 scheduling vCPU threads, the WFI/WFE trap, the EL2 timer) builds for the RK3568
# platform too; only what uses the option rebuilds.
expect_not_contains "$(aarch64-linux-gnu-nm -C "$hyp/mortise-two-tenons_rk3568.elf")" 'mortise::prepare_shared'
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$hyp" setconfig SET="MORTISE_MODE2=y" >/dev/null
grep -q '^CONFIG_MORTISE_MODE2=y$' "$hyp/.config" || fail "setconfig MORTISE_MODE2=y did not enable mode 2"
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$hyp" >/dev/null
check_mortise mode2
syms=$(aarch64-linux-gnu-nm -C "$hyp/mortise-two-tenons_rk3568.elf")
expect_contains "$syms" 'mortise::prepare_shared\(mortise::Vcpu&\)'
expect_contains "$syms" 'mortise::guest_wfx\('
expect_contains "$syms" 'tn::sched::set_reservation\('
