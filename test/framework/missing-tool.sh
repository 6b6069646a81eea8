# A missing cross compiler stops the build with the command that installs it.
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
if out=$(make CROSS_COMPILE=no-such-prefix- 2>&1); then fail "build without a compiler succeeded"; fi
expect_contains "$out" 'no-such-prefix-g\+\+ not found'
expect_contains "$out" 'apt-get install g\+\+-aarch64-linux-gnu'
echo ok
