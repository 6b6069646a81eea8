# 'select' pulls a dependency in, print-libs names what selected it, and a
# select of a symbol whose 'depends on' is unmet is an error, not a warning.
source "$(dirname "$0")/common.bash"
scratch_tree
new_lib "$TREE/lib/liba" liba LIBA "	select LIBB"
new_lib "$TREE/lib/libb" libb LIBB
new_lib "$TREE/lib/libc-needs" libc-needs LIBC_NEEDS "	depends on LIBB_NEVER"
new_lib "$TREE/lib/libd" libd LIBD "	select LIBC_NEEDS"
printf 'config LIBB_NEVER\n\tbool\n' >> "$TREE/lib/libb/Config.uk"
cd "$TREE/apps/helloworld"

make -s defconfig >/dev/null
make -s setconfig SET=LIBA=y >/dev/null
out=$(make -s print-libs)
expect_contains "$out" '^libb +CONFIG_LIBB +selected by CONFIG_LIBA'
make -s >/dev/null
grep -q tn_marker_libb <<<"$(image_symbols)" || fail "selected library not linked"

if out=$(make setconfig SET=LIBD=y 2>&1); then
    fail "select of a symbol with unmet dependencies was accepted"
fi
expect_contains "$out" 'LIBC_NEEDS'
expect_contains "$out" 'LIBB_NEVER'
echo ok
