# A library sees only the headers of the libraries its Config.uk depends on
# (and the base libraries): including another one fails the build, naming the
# dependency to declare; declaring it makes the build pass. A dependency cycle
# between libraries is a build error naming the cycle.
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
make -s defconfig >/dev/null

# lib/needy uses the console (enabled in helloworld) without declaring it.
new_lib "$TREE/lib/needy" needy LIBNEEDY "	default y"
sed -i '1i #include <tn/console.hpp>' "$TREE/lib/needy/src/needy.cpp"
if out=$(make 2>&1); then printf '%s\n' "$out"; fail "an include of an undeclared dependency compiled"; fi
expect_contains "$out" 'tn/console.hpp: No such file'
expect_contains "$out" "lib/needy: <tn/console.hpp> belongs to library lib/console \(CONFIG_LIBCONSOLE\), which lib/needy does not depend on"
expect_contains "$out" "add 'select LIBCONSOLE' \(or 'depends on LIBCONSOLE'\) to LIBNEEDY in lib/needy/Config.uk"
# The base libraries (arch contract, lib/kbase) need no declaration: only the
# console is reported.
expect_not_contains "$out" 'belongs to library (arch/arm64|lib/kbase)'

# Declared, it builds and links.
printf '\tselect LIBCONSOLE\n' >> "$TREE/lib/needy/Config.uk"
out=$(make 2>&1) || { printf '%s\n' "$out"; fail "the declared dependency did not build"; }
expect_contains "$out" 'LIBDEPS +kconfig/libdeps.mk'
expect_contains "$out" 'CXX +lib/needy/src/needy.o'
grep -q tn_marker_needy <<<"$(image_symbols)" || fail "lib/needy missing from the image"

# A cycle through two libraries' Config.uk (no Kconfig symbol loop: an option
# of lib/loopy depends on lib/needy, which selects lib/loopy) stops the build.
new_lib "$TREE/lib/loopy" loopy LIBLOOPY
printf '\nconfig LIBLOOPY_EXTRA\n\tbool "extra"\n\tdepends on LIBLOOPY && LIBNEEDY\n' >> "$TREE/lib/loopy/Config.uk"
printf '\tselect LIBLOOPY\n' >> "$TREE/lib/needy/Config.uk"
if out=$(make 2>&1); then printf '%s\n' "$out"; fail "a library dependency cycle built"; fi
expect_contains "$out" 'error: library dependency cycle: lib/(loopy -> lib/needy -> lib/loopy|needy -> lib/loopy -> lib/needy)'
expect_contains "$out" "lib/needy -> lib/loopy: lib/needy/Config.uk: LIBNEEDY 'select LIBLOOPY'"
expect_contains "$out" "lib/loopy -> lib/needy: lib/loopy/Config.uk: LIBLOOPY_EXTRA 'depends on LIBNEEDY'"
# The build stays refused until the cycle is gone.
if out=$(make 2>&1); then fail "a second make after the cycle error built"; fi
expect_contains "$out" 'library dependency cycle'

# Without the back edge the graph is acyclic again and the image builds.
sed -i '/^config LIBLOOPY_EXTRA/,$d' "$TREE/lib/loopy/Config.uk"
out=$(make 2>&1) || { printf '%s\n' "$out"; fail "the build after removing the cycle failed"; }
grep -q tn_marker_loopy <<<"$(image_symbols)" || fail "lib/loopy (selected by lib/needy) missing from the image"
echo ok
