# A defconfig naming an unknown symbol, giving a value of the wrong type, or
# setting an option whose 'depends on' is not met fails with the symbol's name.
source "$(dirname "$0")/common.bash"
scratch_tree
new_lib "$TREE/lib/needy" needy LIBNEEDY "	depends on LIBNOT_THERE_EITHER"
printf 'config LIBNOT_THERE_EITHER\n\tbool "never enabled"\n' >> "$TREE/lib/needy/Config.uk"
cd "$TREE/apps/helloworld"

printf 'CONFIG_PLAT_QEMU_VIRT=y\nCONFIG_NO_SUCH_SYMBOL=y\n' > bad1
if out=$(make defconfig DEFCONFIG=bad1 2>&1); then fail "unknown symbol accepted"; fi
expect_contains "$out" 'NO_SUCH_SYMBOL'
expect_contains "$out" 'bad1:2'

printf 'CONFIG_ARCH_ARM64_BOOT_STACK_SIZE=lots\n' > bad2
if out=$(make defconfig DEFCONFIG=bad2 2>&1); then fail "invalid int accepted"; fi
expect_contains "$out" 'ARCH_ARM64_BOOT_STACK_SIZE'

printf 'CONFIG_LIBNEEDY=y\n' > bad3
if out=$(make defconfig DEFCONFIG=bad3 2>&1); then fail "value violating depends on accepted"; fi
expect_contains "$out" 'CONFIG_LIBNEEDY=y cannot be applied: it depends on LIBNOT_THERE_EITHER'

printf 'CONFIG_ARCH_ARM64_BOOT_STACK_SIZE=16\n' > bad4
if out=$(make defconfig DEFCONFIG=bad4 2>&1); then fail "value outside range accepted"; fi
expect_contains "$out" 'ARCH_ARM64_BOOT_STACK_SIZE'

# A hand-edited .config is checked by the normal build too.
make -s defconfig >/dev/null
expect_contains "$(make checkconfig)" 'no problems'
# A disabled option the tree no longer has (left by an older tree) is dropped
# with a note, not an error.
echo '# CONFIG_NO_LONGER_THERE is not set' >> build/.config
out=$(make 2>&1) || fail "a removed, disabled option failed the build: $out"
expect_contains "$out" 'dropped CONFIG_NO_LONGER_THERE'
echo 'CONFIG_NO_SUCH_SYMBOL=y' >> build/.config
if out=$(make 2>&1); then fail "bad .config accepted by the build"; fi
expect_contains "$out" 'NO_SUCH_SYMBOL'
expect_contains "$out" "make defconfig"
if out=$(make checkconfig 2>&1); then fail "checkconfig accepted a bad .config"; fi
expect_contains "$out" 'NO_SUCH_SYMBOL'
echo ok
