# `make help` of an application lists every variable a user can set: each
# `NAME ?=` of the build fragments (support/make/*.mk) that is not internal
# (TN_*, APP_NAME) must appear in it, and so must every target of the help.
source "$(dirname "$0")/common.bash"
help=$(make -s -C "$SRC_ROOT/apps/helloworld" help 2>&1) || fail "make help failed"
vars=$(grep -ho '^[A-Z][A-Z0-9_]* *?=' "$SRC_ROOT"/support/make/*.mk | sed 's/ *?=//' |
    grep -v '^TN_\|^APP_NAME$' | sort -u)
[ -n "$vars" ] || fail "found no variables in support/make"
for v in $vars; do
    grep -Eq "(^|[^A-Z_])$v=" <<<"$help" || { printf '%s\n' "$help"; fail "make help does not list $v"; }
done
top=$(make -s -C "$SRC_ROOT" help 2>&1) || fail "top-level make help failed"
for t in run test unit bench clean; do
    grep -Eq "make $t( |$)" <<<"$top" || fail "top-level make help does not list make $t"
done
echo ok
