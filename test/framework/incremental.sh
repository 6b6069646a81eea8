# Incremental builds: a no-op make does nothing; changing one Kconfig option
# recompiles only the objects that mention it; touching a header recompiles
# its users; changing a library's flags recompiles that library.
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
make -s >/dev/null

out=$(make)
expect_contains "$out" "Nothing to be done"

# ARCH_ARM64_BOOT_STACK_SIZE sizes the stacks (image.S), the exception stacks
# above them (entry.S), places their guard pages (mmu.cpp) and bounds the boot
# stack a fault report names (lib/boot's fault.cpp): exactly those rebuild
# (helloworld has one CPU, so no smp_entry.S).
out=$(make setconfig SET=ARCH_ARM64_BOOT_STACK_SIZE=32768 >/dev/null && make)
expect_contains "$out" 'AS +arch/arm64/src/image.o'
expect_contains "$out" 'AS +arch/arm64/src/entry.o'
expect_contains "$out" 'CXX +arch/arm64/src/mmu.o'
expect_contains "$out" 'CXX +lib/boot/src/fault.o'
[ "$(grep -cE '^  (CXX|AS) ' <<<"$out")" = 4 ] || { printf '%s\n' "$out"; fail "expected exactly 4 rebuilds"; }
expect_contains "$out" 'LD +helloworld_qemu-virt.elf'

# PLAT_QEMU_VIRT_UART_BASE is mentioned by the platform's board and platform
# sources only: a new value recompiles those two, nothing else.
out=$(make setconfig SET=PLAT_QEMU_VIRT_UART_BASE=0x09001000 >/dev/null && make)
expect_contains "$out" 'CXX +plat/qemu-virt/src/board.o'
expect_contains "$out" 'CXX +plat/qemu-virt/src/platform.o'
[ "$(printf '%s\n' "$out" | grep -cE '^  (CXX|AS) ')" = 2 ] || { printf '%s\n' "$out"; fail "expected exactly 2 recompiles"; }

# Setting an option to the value it already has recompiles nothing.
out=$(make setconfig SET=PLAT_QEMU_VIRT_UART_BASE=0x09001000 >/dev/null && make)
expect_not_contains "$out" '(CXX|AS) '

# The optimisation level changes every library's flags: everything recompiles.
out=$(make setconfig SET=TN_OPTIMIZE_OS=y >/dev/null && make)
expect_contains "$out" 'CXX +lib/console/src/format.o'
expect_contains "$out" 'CXX +apps/helloworld/main.o'

# A header change recompiles exactly its includers.
sleep 1
touch "$TREE/lib/console/include/tn/format.hpp"
out=$(make)
expect_contains "$out" 'CXX +lib/console/src/format.o'
expect_not_contains "$out" 'CXX +drivers/serial/pl011/src/pl011.o'

# -j is safe from a clean build directory.
make -s distclean
make -s -j4 >/dev/null
out=$(make)
expect_contains "$out" "Nothing to be done"
echo ok
