# A missing cross compiler stops the build with the fix for the toolchain asked
# for: the apt-get line when the default prefix (aarch64-linux-gnu-) is
# missing; when CROSS_COMPILE names another prefix, that this toolchain is not
# installed or not on PATH (Debian's package would not provide it).
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"

# Another prefix: the message names it and both ways out, and does not tell
# the user to install a package as if that would provide no-such-prefix-g++.
if out=$(make CROSS_COMPILE=no-such-prefix- 2>&1); then fail "build without a compiler succeeded"; fi
expect_contains "$out" 'no-such-prefix-g\+\+ not found: CROSS_COMPILE=no-such-prefix- names a toolchain that is not installed or not on PATH'
expect_contains "$out" 'Fix CROSS_COMPILE'
expect_contains "$out" 'default aarch64-linux-gnu-, installed with: (sudo )?apt-get install g\+\+-aarch64-linux-gnu'
expect_not_contains "$out" 'Install it with'

# The default prefix, missing: hide the installed aarch64-linux-gnu-* tools by
# running make with a PATH of links to every other program on the real PATH.
bin="$SCRATCH/path-without-cross"
mkdir -p "$bin"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
        n=${f##*/}
        case $n in aarch64-linux-gnu-*) continue ;; esac
        [ -x "$f" ] && [ ! -e "$bin/$n" ] && ln -s "$f" "$bin/$n"
    done
done
PATH="$bin" command -v aarch64-linux-gnu-g++ >/dev/null && fail "could not hide aarch64-linux-gnu-g++"
PATH="$bin" command -v make >/dev/null || fail "make is not reachable through $bin"
if out=$(PATH="$bin" make 2>&1); then fail "build with aarch64-linux-gnu-g++ hidden succeeded"; fi
expect_contains "$out" 'aarch64-linux-gnu-g\+\+ not found\. Install it with: (sudo )?apt-get install g\+\+-aarch64-linux-gnu'
expect_not_contains "$out" 'names a toolchain'
echo ok
