# savedefconfig writes a minimal defconfig back to the application directory,
# and a defconfig round trip reproduces the same configuration.
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
make -s defconfig >/dev/null
make -s setconfig SET="ARCH_ARM64_BOOT_STACK_SIZE=8192 TN_OPTIMIZE_OS=y" >/dev/null
cp build/.config config.before
make -s savedefconfig >/dev/null
expect_contains "$(cat defconfig)" '^CONFIG_ARCH_ARM64_BOOT_STACK_SIZE=8192$'
expect_not_contains "$(cat defconfig)" 'CONFIG_TN_DEBUG_SYMBOLS=y'
rm -rf build
make -s defconfig >/dev/null
diff <(grep -v '^#' config.before) <(grep -v '^#' build/.config) || fail "defconfig round trip differs"
echo ok
