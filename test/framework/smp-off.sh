# A single-CPU build carries no SMP cost: with CONFIG_TN_MAX_CPUS=1 none of
# the secondary-CPU code or stacks is in the image, and it is smaller than the
# same application built for 4 CPUs (both with the interrupts SMP needs, which
# helloworld's defconfig leaves out).
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
app="$SRC_ROOT/apps/helloworld"
for n in 1 4; do
    make -s -C "$app" O="$SCRATCH/cpus$n" defconfig >/dev/null
    make -s -C "$app" O="$SCRATCH/cpus$n" setconfig \
        SET="TN_MAX_CPUS=$n DRV_IRQ_GICV2=y DRV_IRQ_GICV3=y DRV_TIMER_ARM_GENERIC=y" >/dev/null
    make -s -C "$app" O="$SCRATCH/cpus$n" >/dev/null
done
syms() { aarch64-linux-gnu-nm "$SCRATCH/cpus$1/helloworld_qemu-virt.elf"; }
expect_contains "$(syms 4)" ' tn_arch_secondary_entry$'
expect_contains "$(syms 4)" ' tn_plat_secondary_start$'
expect_not_contains "$(syms 1)" 'tn_arch_secondary_entry|tn_plat_secondary_start|tn_arch_cpu_stacks|run_on|tn_arch_mmu_boot_state'
expect_not_contains "$(aarch64-linux-gnu-objdump -d "$SCRATCH/cpus1/helloworld_qemu-virt.elf")" 'tpidr_el1'
size() { aarch64-linux-gnu-size "$SCRATCH/cpus$1/helloworld_qemu-virt.elf" | awk 'NR == 2 { print $1 + $2 }'; }
[ "$(size 1)" -lt "$(size 4)" ] || fail "1-CPU text+data $(size 1) not below 4-CPU $(size 4)"
echo "ok: text+data $(size 1) bytes for 1 CPU, $(size 4) for 4"
