# Every code snippet of docs/*.md and of the READMEs compiles, so the documentation cannot rot.
#
# Convention for everyone writing docs (docs/testing.md says the same):
#   ```cpp or ```c   a complete translation unit (its own #includes, code at
#                    file scope or in functions). Each is compiled on its own
#                    with the aarch64 cross compiler and the flags of a real
#                    application build (-Wall -Wextra -Werror, the generated
#                    config.h, every enabled library's public headers):
#                    apps/threads-demo as shipped (1 CPU) and with
#                    TN_MAX_CPUS=4. A block that includes <mortise/...> is
#                    compiled instead with the flags of Mortise's hyp/core
#                    library in apps/mortise-two-tenons, and one that
#                    includes <tn/process.h> with apps/process-demo's.
#   ```make          not compiled; a block whose first line is "# <file of
#                    the tree>" quotes that file and must equal it.
#   ```text ```sh ```json ```dts (or no tag)   not compiled.
#   ```c++ ```cc ```h ```hpp ...   refused: tag C++ ```cpp so it is compiled.
# A failing block is reported as docs/<page>.md:<line> with the compiler's
# diagnostics, which point into the Markdown file as well.
source "$(dirname "$0")/common.bash"

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# Configurations only (make print-libs writes config.h and every library's
# .flags without compiling anything); the sources are the real tree's, the
# build directories are scratch ones.
configure() {  # configure APP BUILD_DIR [SETCONFIG...]
    local app=$1 dir=$2
    shift 2
    make -s -C "$SRC_ROOT/apps/$app" O="$dir" defconfig >/dev/null ||
        fail "make defconfig of apps/$app failed"
    if [ $# -gt 0 ]; then
        make -s -C "$SRC_ROOT/apps/$app" O="$dir" setconfig SET="$*" >/dev/null ||
            fail "make setconfig $* of apps/$app failed"
    fi
    make -s -C "$SRC_ROOT/apps/$app" O="$dir" print-libs >/dev/null ||
        fail "apps/$app does not configure"
}
configure threads-demo "$SCRATCH/threads-demo"
configure threads-demo "$SCRATCH/threads-demo-smp" TN_MAX_CPUS=4 LIBTNTIMER_TICK=y
configure mortise-two-tenons "$SCRATCH/mortise"
configure process-demo "$SCRATCH/process-demo"
grep -q '^#define CONFIG_TN_MAX_CPUS 4$' "$SCRATCH/threads-demo-smp/include/generated/config.h" ||
    fail "the SMP configuration did not take TN_MAX_CPUS=4"

app_flags=obj/apps/threads-demo/.flags
for f in "$SCRATCH/threads-demo/$app_flags" "$SCRATCH/threads-demo-smp/$app_flags" \
    "$SCRATCH/mortise/obj/hyp/core/.flags" "$SCRATCH/process-demo/obj/apps/process-demo/.flags"; do
    [ -s "$f" ] || fail "no compile flags in $f (support/make/libs.mk writes them)"
done

cd "$SRC_ROOT"
shopt -s nullglob
docs=(docs/*.md README.md */README.md apps/*/README.md test/apps/*/README.md)
[ -e "${docs[0]}" ] || fail "no docs/*.md"
/usr/bin/python3 support/scripts/doc_snippets.py --root "$SRC_ROOT" --work "$SCRATCH/snippets" \
    --tenon "threads-demo=$SCRATCH/threads-demo/$app_flags" \
    --tenon "threads-demo-smp=$SCRATCH/threads-demo-smp/$app_flags" \
    --mortise "mortise-two-tenons=$SCRATCH/mortise/obj/hyp/core/.flags" \
    --process "process-demo=$SCRATCH/process-demo/obj/apps/process-demo/.flags" \
    "${docs[@]}"
