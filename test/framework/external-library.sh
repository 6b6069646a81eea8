# L= takes external library directories, given as relative paths, outside the
# tree; they join the Kconfig tree and the link like in-tree libraries.
source "$(dirname "$0")/common.bash"
scratch_tree
new_lib "$SCRATCH/outside/extlib" extlib LIBEXTLIB "	default y"
cd "$TREE/apps/helloworld"
out=$(make L=../../../outside/extlib)
expect_contains "$out" 'CXX +ext/extlib/src/extlib.o'
image_symbols | grep -q tn_marker_extlib || fail "external library not linked"

if out=$(make L=../no/such/dir 2>&1); then fail "missing L= directory accepted"; fi
expect_contains "$out" 'no Config.uk there'
echo ok
