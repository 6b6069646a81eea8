# L= takes external library directories, given as relative paths, outside the
# tree; they join the Kconfig tree and the link like in-tree libraries.
source "$(dirname "$0")/common.bash"
scratch_tree
new_lib "$SCRATCH/outside/extlib" extlib LIBEXTLIB "	default y"
cd "$TREE/apps/helloworld"
out=$(make L=../../../outside/extlib)
expect_contains "$out" 'CXX +ext/extlib/src/extlib.o'
grep -q tn_marker_extlib <<<"$(image_symbols)" || fail "external library not linked"

# Later commands in the same build directory remember L=.
out=$(make 2>&1) || { printf '%s\n' "$out"; fail "a build without L= forgot the external library"; }
grep -q tn_marker_extlib <<<"$(image_symbols)" || fail "external library dropped by a build without L="
touch "$SCRATCH/outside/extlib/src/extlib.cpp"
out=$(make)
expect_contains "$out" 'CXX +ext/extlib/src/extlib.o'
# An empty L= drops it; the configuration that enabled it then names the fix.
if out=$(make L= 2>&1); then fail "configuration naming a dropped external library accepted"; fi
expect_contains "$out" 'LIBEXTLIB'
expect_contains "$out" 'pass its directory with L='

if out=$(make L=../no/such/dir 2>&1); then fail "missing L= directory accepted"; fi
expect_contains "$out" 'no Config.uk there'
echo ok
