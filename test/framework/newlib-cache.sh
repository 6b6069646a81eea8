# scripts/newlib-build's cache, without the 5-minute newlib build
# (docs/newlib.md): the same inputs map to the same key and a complete
# entry is only printed, never rebuilt; other bytes give another key; a failed
# build leaves no manifest. lib/newlib in an image, on the real newlib, is
# test/qemu/newlib*.test's (the system layer needs newlib's real headers, so
# a planted entry no longer builds).
source "$(dirname "$0")/common.bash"

# The scratch tree first: scratch_tree empties $SCRATCH, cache included.
scratch_tree
mkdir -p "$SCRATCH/cache"
build=$SRC_ROOT/scripts/newlib-build
export TN_CACHE=$SCRATCH/cache

# plant DIR: a complete cache entry with empty archives.
plant() {
    mkdir -p "$1/lib" "$1/include"
    aarch64-linux-gnu-ar rc "$1/lib/libc.a"
    aarch64-linux-gnu-ar rc "$1/lib/libm.a"
    printf '#define TN_PLANTED_NEWLIB 1\n' > "$1/include/planted.h"
    # nolibc's <string.h> must defer to this one.
    printf '#include <stddef.h>\n#define TN_PLANTED_STRING 1\nsize_t strlen(const char *);\n' > "$1/include/string.h"
    {
        echo "NEWLIB_VERSION=planted"
        echo "NEWLIB_INCLUDE=$1/include"
        echo "NEWLIB_LIBC=$1/lib/libc.a"
        echo "NEWLIB_LIBM=$1/lib/libm.a"
    } > "$1/newlib.mk"
}

# 1. Keys: stable for the same inputs, different for other tarball bytes.
echo one > "$SCRATCH/newlib-9.9.9.tar.xz"
key1=$("$build" --source "$SCRATCH/newlib-9.9.9.tar.xz" --print-key)
key1b=$("$build" --source "$SCRATCH/newlib-9.9.9.tar.xz" --print-key)
[ "$key1" = "$key1b" ] || fail "the same inputs gave two keys: $key1, $key1b"
expect_contains "$key1" "^$SCRATCH/cache/newlib/9\.9\.9-[0-9a-f]{12}$"
mkdir -p "$SCRATCH/other"
echo two > "$SCRATCH/other/newlib-9.9.9.tar.xz"
key2=$("$build" --source "$SCRATCH/other/newlib-9.9.9.tar.xz" --print-key)
[ "$key1" != "$key2" ] || fail "different tarball bytes gave the same key $key1"

# 2. A complete entry is printed and nothing is built.
plant "$key1"
out=$("$build" --source "$SCRATCH/newlib-9.9.9.tar.xz" 2>"$SCRATCH/err") || fail "cache hit failed: $(cat "$SCRATCH/err")"
expect_contains "$out" "^NEWLIB_LIBC=$key1/lib/libc.a$"
expect_not_contains "$(cat "$SCRATCH/err")" 'building'
[ -z "$(ls -d "$SCRATCH"/cache/newlib/build.* 2>/dev/null)" ] || fail "a cache hit created a build directory"

# 3. A build that fails (the tarball is not one) says so and leaves no manifest.
if "$build" --source "$SCRATCH/other/newlib-9.9.9.tar.xz" >"$SCRATCH/out" 2>"$SCRATCH/err"; then
    fail "a build from a broken tarball succeeded"
fi
expect_contains "$(cat "$SCRATCH/err")" 'newlib-build: cannot unpack'
[ ! -e "$key2/newlib.mk" ] || fail "a failed build left $key2/newlib.mk"
"$build" --source /nonexistent/newlib-1.0.0.tar.xz 2>"$SCRATCH/err" >/dev/null && fail "a missing tarball succeeded"
expect_contains "$(cat "$SCRATCH/err")" 'no such file'

echo ok
