# docs/posix.md's PSE51 tables against the code: every function marked "yes"
# or "partial" must compile and link in a Tenon app with LIBNEWLIB and
# LIBPOSIX (its address is taken, declared by the standard headers; a name
# the headers define as a macro only has to be defined), and every function
# marked "no" must be defined neither by the linked image's objects nor by
# newlib's libc.a/libm.a, except the documented exceptions whose note says
# "not declared": those exist in libm.a but no header declares them, which a
# syntax-only compile checks, and those whose note says "does not link":
# those exist in libm.a but need long double functions newlib lacks. One app
# build.
source "$(dirname "$0")/common.bash"

doc=$SRC_ROOT/docs/posix.md
[ -f "$doc" ] || fail "no $doc"
rm -rf "$SCRATCH"
app=$SCRATCH/app
mkdir -p "$app"

# Table rows: | `name` | yes/partial/no | from | note |
rows=$(grep -E '^\| `[A-Za-z_][A-Za-z_0-9]*` \| (yes|partial|no) \|' "$doc" |
    sed -E 's/^\| `([A-Za-z_0-9]+)` \| ([a-z]+) \|.*/\1 \2/' | sort -u)
have=$(awk '$2 != "no" {print $1}' <<<"$rows" | sort -u)
missing=$(awk '$2 == "no" {print $1}' <<<"$rows" | sort -u)
undeclared=$(grep -E '^\| `[A-Za-z_0-9]+` \| no \|.*not declared' "$doc" |
    sed -E 's/^\| `([A-Za-z_0-9]+)`.*/\1/' | sort -u)
# "does not link": in libm.a, but calling functions newlib lacks (no long
# double); the table names the missing callees, which are "no" rows checked
# below.
unlinkable=$(grep -E '^\| `[A-Za-z_0-9]+` \| no \|.*does not link' "$doc" |
    sed -E 's/^\| `([A-Za-z_0-9]+)`.*/\1/' | sort -u)
missing=$(comm -23 <(echo "$missing") <(sort -u <(echo "$undeclared") <(echo "$unlinkable")))
[ "$(wc -l <<<"$have")" -gt 300 ] || fail "only $(wc -l <<<"$have") yes/partial rows parsed from $doc"
[ -n "$missing" ] || fail "no \"no\" rows parsed from $doc"
# A name in two tables must have one status.
dup=$(awk '{print $1}' <<<"$rows" | uniq -d)
[ -z "$dup" ] || fail "names with two different statuses in $doc: $dup"

# The headers docs/posix.md names, plus those of the C-language units.
headers="stdarg.h setjmp.h math.h complex.h fenv.h stdlib.h string.h ctype.h time.h stdio.h
locale.h inttypes.h signal.h unistd.h errno.h fcntl.h sys/select.h pthread.h sched.h
semaphore.h mqueue.h sys/time.h sys/mman.h sys/utsname.h"
{
    echo '#define _GNU_SOURCE 1 /* sched_getcpu() */'
    for h in $headers; do echo "#include <$h>"; done
    echo '#include <tn/sched.h>'
    echo 'int main(void) {'
    echo '    static void *volatile refs[] = {'
    for n in $have; do
        printf '#ifdef %s\n        0,\n#else\n        (void *)&%s,\n#endif\n' "$n" "$n"
    done
    echo '    };'
    echo '    printf("posix-table: %u\n", (unsigned)(sizeof refs / sizeof refs[0]));'
    echo '    return refs[0] == (void *)1;'
    echo '}'
} > "$app/main.c"
cat > "$app/Makefile" <<MK
TN_ROOT ?= $SRC_ROOT
include \$(TN_ROOT)/support/make/app.mk
MK
cat > "$app/Makefile.uk" <<'MK'
$(eval $(call tn_addlib,posix-table-app))
POSIX_TABLE_APP_SRCS-y += $(POSIX_TABLE_APP_BASE)/main.c
MK
cat > "$app/defconfig" <<'CFG'
CONFIG_PLAT_QEMU_VIRT=y
CONFIG_LIBSCHED=y
CONFIG_TN_MAX_CPUS=1
CONFIG_ARCH_ARM64_ECTX_EAGER=y
CONFIG_LIBNEWLIB=y
CONFIG_LIBNOLIBC=y
CONFIG_LIBPOSIX=y
CFG

out=$SCRATCH/build
if ! make -C "$app" O="$out" TN_ROOT="$SRC_ROOT" -j2 >"$SCRATCH/build.log" 2>&1; then
    # Name the functions the compiler or the linker complained about.
    bad=$(sed -nE "s/.*undefined reference to .([A-Za-z_0-9]+).*/\\1/p; s/.*[‘']([A-Za-z_0-9]+)[’'] undeclared.*/\\1/p" \
        "$SCRATCH/build.log" | sort -u | tr '\n' ' ')
    tail -n 30 "$SCRATCH/build.log"
    fail "functions marked yes/partial in docs/posix.md that do not compile or link: ${bad:-see the log above}"
fi
elf=$(ls "$out"/*.elf 2>/dev/null | head -n 1)
[ -n "$elf" ] || fail "no image in $out"

# "no": defined nowhere the image could take it from.
newlib_mk=$out/newlib/newlib.mk
archives=$(find "$out" -name '*.o' -o -name '*.a' | tr '\n' ' ')
if [ -f "$newlib_mk" ]; then
    archives="$archives $(sed -nE 's/^NEWLIB_LIB[CM]=//p' "$newlib_mk" | tr '\n' ' ')"
fi
defined=$(aarch64-linux-gnu-nm -g --defined-only $archives "$elf" 2>/dev/null |
    awk 'NF == 3 {print $3}' | sort -u)
wrong=$(comm -12 <(echo "$missing") <(echo "$defined") | tr '\n' ' ')
[ -z "$wrong" ] || fail "functions marked no in docs/posix.md that are defined: $wrong"

# "not declared": each must be an error of its own in one compile with
# newlib's and lib/posix's headers.
if [ -n "$undeclared" ]; then
    newlib_inc=$(sed -nE 's/^NEWLIB_INCLUDE=//p' "$newlib_mk")
    [ -d "$newlib_inc" ] || fail "no NEWLIB_INCLUDE in $newlib_mk"
    {
        for h in $headers; do echo "#include <$h>"; done
        for n in $undeclared; do echo "void *tn_ref_$n(void) { return (void *)&$n; }"; done
    } > "$SCRATCH/undeclared.c"
    aarch64-linux-gnu-gcc -std=gnu11 -fsyntax-only -nostdinc -isystem "$newlib_inc" \
        -isystem "$(aarch64-linux-gnu-gcc -print-file-name=include)" \
        -I"$SRC_ROOT/lib/posix/include" -I"$SRC_ROOT/lib/newlib/include" -I"$SRC_ROOT/lib/sched/include" \
        -DCONFIG_LIBPOSIX=1 "$SCRATCH/undeclared.c" >"$SCRATCH/undeclared.log" 2>&1 || true
    for n in $undeclared; do
        grep -q "‘$n’ undeclared\|'$n' undeclared" "$SCRATCH/undeclared.log" ||
            fail "$n is marked no/not declared in docs/posix.md but a header declares it"
    done
fi

echo "ok: $(wc -l <<<"$have") yes/partial link, $(wc -l <<<"$missing") no are absent, $(wc -w <<<"$undeclared") no are not declared"
