# A library dropped into lib/ appears in the Kconfig tree with no other edit;
# its code is in the image when it is enabled and absent when it is not.
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
make -s defconfig >/dev/null
new_lib "$TREE/lib/dropin" dropin LIBDROPIN

# The existing configuration has not seen the new symbol yet...
out=$(make -s listnewconfig)
expect_contains "$out" '^# CONFIG_LIBDROPIN is not set$'
# ...and after the next configuration step it is part of it.
make -s olddefconfig
expect_contains "$(cat build/.config)" '^# CONFIG_LIBDROPIN is not set$'

make -s >/dev/null
grep -q tn_marker_dropin <<<"$(image_symbols)" && fail "disabled library linked into the image"

out=$(make setconfig SET=LIBDROPIN=y)
expect_contains "$out" 'CONFIG_LIBDROPIN=y'
out=$(make)
expect_contains "$out" 'CXX +lib/dropin/src/dropin.o'
grep -q tn_marker_dropin <<<"$(image_symbols)" || fail "enabled library missing from the image"
expect_contains "$(make -s print-libs)" '^dropin +CONFIG_LIBDROPIN +enabled in the configuration'

make -s setconfig SET=LIBDROPIN=n >/dev/null
make -s >/dev/null
grep -q tn_marker_dropin <<<"$(image_symbols)" && fail "library still linked after disabling it"
echo ok
