# Shared helpers of the build-framework tests. Each test works in a scratch
# copy of the tree under $TN_TEST_TMP/<test>, never in the real one.
set -euo pipefail

: "${TN_ROOT:?run through make test (test/run sets TN_ROOT)}"
SRC_ROOT=$TN_ROOT
# Builds in the scratch tree must find their own root, not the real one.
unset TN_ROOT
: "${TN_TEST_TMP:=$SRC_ROOT/build/test/framework}"
TEST_NAME=$(basename "$0" .sh)
SCRATCH="$TN_TEST_TMP/$TEST_NAME"
TREE="$SCRATCH/tree"

# Copies the source tree (no build outputs) into $TREE.
scratch_tree() {
    rm -rf "$SCRATCH"
    mkdir -p "$TREE"
    (cd "$SRC_ROOT" && tar --exclude=./build --exclude='./apps/*/build' --exclude=./.git -cf - .) |
        (cd "$TREE" && tar -xf -)
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_contains TEXT PATTERN: grep -E PATTERN in TEXT or fail.
expect_contains() {
    # A here-string, not a pipe: with pipefail, grep -q closing the pipe early
    # would fail the writer and turn a match into a mismatch.
    grep -Eq -- "$2" <<<"$1" || { printf '%s\n' "$1"; fail "expected /$2/ in the output above"; }
}

expect_not_contains() {
    if grep -Eq -- "$2" <<<"$1"; then
        printf '%s\n' "$1"
        fail "did not expect /$2/ in the output above"
    fi
}

# Creates a library directory: new_lib DIR NAME SYMBOL [extra Config.uk lines]
new_lib() {
    local dir=$1 name=$2 sym=$3 extra=${4:-}
    local upper
    upper=$(echo "$name" | tr 'a-z-' 'A-Z_')
    mkdir -p "$dir/src"
    printf 'config %s\n\tbool "%s test library"\n%s\n' "$sym" "$name" "$extra" > "$dir/Config.uk"
    cat > "$dir/Makefile.uk" <<MK
\$(eval \$(call tn_addlib,$name,$sym))
${upper}_SRCS-y += \$(${upper}_BASE)/src/$name.cpp
MK
    # A static constructor with a visible side effect keeps the code in the
    # image (the linker script KEEPs .init_array).
    cat > "$dir/src/$name.cpp" <<CPP
volatile int tn_sink_$name;
extern "C" __attribute__((noinline)) int tn_marker_$name() { return 42; }
namespace { struct Ctor { Ctor() { tn_sink_$name = tn_marker_$name(); } } g_ctor; }
CPP
    sed -i "s/tn_marker_$name/tn_marker_${name//-/_}/g; s/tn_sink_$name/tn_sink_${name//-/_}/g" "$dir/src/$name.cpp"
}

# Symbols of the built helloworld image.
image_symbols() {
    aarch64-linux-gnu-nm "$TREE/apps/helloworld/build/helloworld_qemu-virt.elf"
}
