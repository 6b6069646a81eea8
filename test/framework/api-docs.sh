# make docs builds the API reference from the public headers without a single
# doxygen warning, the pages of known functions carry their contracts, and a
# public function whose doc comment is removed fails the build (so the
# reference cannot rot).
source "$(dirname "$0")/common.bash"
command -v doxygen >/dev/null || fail "doxygen is missing: scripts/deps installs it"

# 1. The real tree: succeeds, into DOCS_OUT, and prints no warning.
OUT="$SCRATCH/out"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
log=$(make -s -C "$SRC_ROOT" docs DOCS_OUT="$OUT" 2>&1) || { printf '%s\n' "$log"; fail "make docs failed"; }
expect_not_contains "$log" 'warning|error'
html="$OUT/html"
[ -f "$html/index.html" ] || fail "no $html/index.html"
# The C API: tn_thread_create's return codes and calling context.
page=$(cat "$html/sched_8h.html")
expect_contains "$page" 'tn_thread_create'
expect_contains "$page" '\-TN_ENOMEM'
expect_contains "$page" 'Context:'
# The C++ API: Mutex::lock's errors, and a header named as applications include it.
page=$(cat "$html/classtn_1_1sync_1_1Mutex.html")
expect_contains "$page" 'Error::Deadlock'
expect_contains "$page" 'tn/sync.hpp'
page=$(cat "$html/namespacetn_1_1sched.html")
expect_contains "$page" 'sleep_until'
# The file list holds the library and platform headers, not arch/ or hyp/.
files=$(cat "$html/files.html")
expect_contains "$files" 'sched\.h'
expect_contains "$files" 'mortise\.hpp'
expect_not_contains "$files" 'stage2|vgic|sysreg'

# 2. A scratch tree whose tn_sem_give() lost its doc comment: make docs fails
#    and names the function.
scratch_tree
hdr="$TREE/lib/sync/include/tn/sync.h"
/usr/bin/python3 - "$hdr" <<'PY'
import re, sys
path = sys.argv[1]
s = open(path).read()
# The /** ... */ block right before the declaration.
s2 = re.sub(r'/\*\*(?:(?!\*/).)*?\*/\nint tn_sem_give\(', 'int tn_sem_give(', s, count=1, flags=re.S)
assert s2 != s, "tn_sem_give's doc comment not found"
open(path, "w").write(s2)
PY
if log=$(make -s -C "$TREE" docs DOCS_OUT="$SCRATCH/out-broken" 2>&1); then
    printf '%s\n' "$log"
    fail "make docs succeeded with an undocumented tn_sem_give()"
fi
expect_contains "$log" 'tn_sem_give.*not documented'
echo ok
