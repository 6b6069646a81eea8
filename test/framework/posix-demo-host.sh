# apps/posix-demo is plain POSIX: its main.c builds unchanged with the host's
# gcc (no Tenon header, no Tenon flag) and runs to "posix-demo: done" on the
# host, with the same message and heap checksums as on Tenon. Where the test
# runs as root, it runs the program once more as an unprivileged user, where
# pthread_create refuses SCHED_FIFO with EPERM and the demo must fall back to
# default scheduling and still succeed.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
src="$SRC_ROOT/apps/posix-demo/main.c"
bin="$SCRATCH/posix-demo"
# The documented host command (apps/posix-demo/README.md), with -Werror, and
# fewer periods to keep the test short; -lrt for C libraries that keep mq_* there.
gcc -O2 -Wall -Wextra -Werror -pthread -DDEMO_PERIODS=50 "$src" -o "$bin" -lrt ||
    fail "gcc could not build apps/posix-demo/main.c"
# Strict ISO C with only the POSIX feature macro: no GNU extension needed.
gcc -std=c11 -pedantic -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -pthread "$src" \
    -o "$SCRATCH/posix-demo-strict" -lrt || fail "apps/posix-demo/main.c needs more than C11 + POSIX.1-2008"

check_output() {
    local out=$1
    expect_contains "$out" '^posix-demo: mq: priorities 1 3 0 2 sent, 3 2 1 0 received$'
    expect_contains "$out" '^posix-demo: mq: 400 of 400 messages, checksum 201258389 \(ok\), 0 out of order, 0 wrong priority$'
    expect_contains "$out" '^posix-demo: periodic: SCHED_[A-Z]+ priority [0-9]+ \(range [0-9]+\.\.[0-9]+\), 50 periods of 1000 us$'
    expect_contains "$out" '^posix-demo: periodic: lateness min [0-9]+\.[0-9]{3} us, avg [0-9]+\.[0-9]{3} us, max [0-9]+\.[0-9]{3} us, [0-9]+ overruns$'
    expect_contains "$out" '^posix-demo: heap: 4 threads x 2000 blocks, 8196628 bytes \(1024\.6 per block\), checksum 1045222451$'
    expect_contains "$out" '^posix-demo: done$'
    expect_not_contains "$out" 'FAILED'
}

out=$(timeout 60 "$bin" 2>&1) || { printf '%s\n' "$out"; fail "posix-demo exited with status $?"; }
check_output "$out"
if [ "$(id -u)" = 0 ]; then
    # Root may use SCHED_FIFO: no fallback, and the top priority but one.
    expect_contains "$out" '^posix-demo: periodic: SCHED_FIFO priority '
    expect_not_contains "$out" 'not permitted'
fi
printf '%s\n' "$out"

# Unprivileged: the EPERM fallback. Needs root to drop privileges (setpriv),
# and an unprivileged user with RLIMIT_RTPRIO 0 (the default).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    dir=$(mktemp -d /tmp/posix-demo-host.XXXXXX)
    trap 'rm -rf "$dir"' EXIT
    cp "$bin" "$dir/"
    chmod 755 "$dir" "$dir/posix-demo"
    nobody=$(id -u nobody 2>/dev/null || echo 65534)
    out=$(cd "$dir" && timeout 60 setpriv --reuid="$nobody" --regid="$nobody" --clear-groups \
        ./posix-demo 2>&1) || { printf '%s\n' "$out"; fail "posix-demo as an unprivileged user exited with status $?"; }
    check_output "$out"
    if [ "$(ulimit -r)" = 0 ]; then
        expect_contains "$out" '^posix-demo: periodic: SCHED_FIFO not permitted \(EPERM\), running with default scheduling$'
        expect_contains "$out" '^posix-demo: periodic: SCHED_OTHER priority 0 '
    fi
    echo "unprivileged run: ok"
else
    echo "unprivileged run skipped (needs root and setpriv)"
fi
echo ok
