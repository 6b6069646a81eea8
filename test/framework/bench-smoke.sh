# make bench-smoke: every benchmark metric, few samples, through the real
# build and QEMU. Fails if scripts/bench fails, if any expected metric is
# missing or not positive, if an output is missing, or if the checker would
# let a missing or zero metric through.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
out="$SCRATCH/out"
log=$(make -s -C "$SRC_ROOT" bench-smoke BENCH_OUT="$out" 2>&1) || { printf '%s\n' "$log"; fail "make bench-smoke failed"; }
for f in results.json report.md thread_switch.svg timer_cost.svg irq_phases.svg linux_boot.svg linux_rt.svg; do
    [ -s "$out/$f" ] || fail "make bench-smoke wrote no $out/$f"
done
check() { /usr/bin/python3 "$SRC_ROOT/scripts/bench" --check "$1" 2>&1; }
expect_contains "$(check "$out/results.json")" 'every expected metric present and positive'
expect_contains "$(cat "$out/report.md")" '^\| `thread_switch.2` \(yield\) \| ≤ 90 \| [0-9.,]+ \| (met|not met) \|$'
# Worst case and SMP (issue 19): the bound and the path that sets it, CPU 0
# beside an idle and a busy CPU 1 with a verdict per metric, p99 everywhere.
expect_contains "$(cat "$out/report.md")" '^Bound: `irq_latency.worst` = [0-9.,]+ instructions, set by `(timer_expiry_100|broadcast_100|pi_chain_8|create)`.$'
expect_contains "$(cat "$out/report.md")" '^\| `thread_switch.2` \| [0-9.,]+ \| [0-9.,]+ \| [0-9.,]+ \| [0-9.,]+ \| [0-9.,]+ \| [0-9.,]+ \| [-+][0-9.]+ % \| [-+][0-9.]+ % \| (met|not met) \|$'
expect_contains "$(cat "$out/report.md")" '^Verdict: [0-9]+ of [0-9]+ metrics within 5 %.$'
expect_contains "$(cat "$out/report.md")" '^\| 100 \| [0-9.,]+ / [0-9.,]+ / [0-9.,]+ \| [0-9.,]+ / [0-9.,]+ / [0-9.,]+ \| [0-9.,]+ / [0-9.,]+ / [0-9.,]+ \|$'
/usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))["metrics"]; sys.exit(0 if m["irq_latency"]["p99"] > 0 and m["tm.smp_interference.message"]["p99"] > 0 else 1)' \
    "$out/results.json" || fail "results.json has no p99"
# The POSIX layer against the native API, and the POSIX images' footprint (issue 17).
expect_contains "$(cat "$out/report.md")" '^\| `posix.sem_post_wait_switch` \| `native.sem_give_take_switch` \| .* \| [0-9.,]+ \| [0-9.,]+ \| [0-9.]+ × \| ≤ 1.10 × \| (met|not met) \|$'
expect_contains "$(cat "$out/report.md")" '^\| `footprint.posix-hello` \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| [0-9,]+ \| \+[0-9,]+ \|$'
# Inter-VM channels (issue 18): the ping-pong target against the same boot's
# null hypercall, the throughput rows in bytes per 1,000 instructions.
expect_contains "$(cat "$out/report.md")" '^\| `ivc.pingpong` \| ≤ 2 × `ivc.null_hypercall` \(same boot\) \| [0-9.,]+ \([0-9.]+ × [0-9.,]+\) \| (met|not met) \|$'
expect_contains "$(cat "$out/report.md")" '^\| physical limit \| .* \| [0-9.,]+ \| 1.00 × \|$'
expect_contains "$(cat "$out/report.md")" '^\| `ivc.throughput.16k` \| 16,384 \| [0-9.,]+ \| [0-9.,]+ \| 32 \| [0-9]+ \|$'
# Mortise mode 2 (issue 21): each target beside its baseline or its lower bound, the bound from the
# image's straight-line EL1 switch routines.
expect_contains "$(cat "$out/report.md")" '^\| `mode2.wakeup_latency` \| ≤ 2 × `irq_preempt` bare = [0-9,]+ \| [0-9.,]+ \| (met|not met) \| `mode1.wakeup_latency` [0-9.,]+ \(min [0-9,]+\): '
expect_contains "$(cat "$out/report.md")" '^\| `mode2.switch` \| ≤ 3 × `thread_switch.2` bare = [0-9,]+ \| [0-9.,]+ \| (met|not met) \| [0-9,]+: `mortise.null_hypercall` [0-9.,]+ \+ the EL1 system registers. save and restore [0-9]+ \(static count; FP/SIMD.s [0-9]+ more\) \|$'
# The Linux suite (issue 14) ran, or was skipped for want of the Linux artifacts.
linux=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["configs"]["linux-solo"]["status"])' \
    "$out/results.json")
if [ "$linux" = ok ]; then
    expect_contains "$(cat "$out/report.md")" '^\| `boot.linux.solo` \| ≤ 1.05 × `boot.linux.bare` \| [0-9.]+ × \| (met|not met) \|$'
    expect_contains "$(cat "$out/report.md")" '^\| Mortise \+ Tenon \+ busy Linux \(ours\), instructions \| [0-9.,]+ \|'
    expect_contains "$(cat "$out/report.md")" '^\| `ivc.linux_pingpong` \| .* \| [0-9.,]+ \| [0-9.]+ × \|$'
else
    expect_contains "$linux" '^skipped: no Linux artifacts'
    echo "Linux suite skipped: $linux"
fi
# The checker itself: a zeroed and a deleted metric must each fail it.
/usr/bin/python3 - "$out/results.json" "$SCRATCH" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["metrics"]["preempt"]["mean"] = 0
json.dump(r, open(sys.argv[2] + "/zero.json", "w"))
r = json.load(open(sys.argv[1]))
del r["metrics"]["tm.message"]
json.dump(r, open(sys.argv[2] + "/missing.json", "w"))
PY
if out_zero=$(check "$SCRATCH/zero.json"); then fail "checker accepted preempt = 0"; fi
expect_contains "$out_zero" 'preempt'
if out_missing=$(check "$SCRATCH/missing.json"); then fail "checker accepted a missing tm.message"; fi
expect_contains "$out_missing" 'tm.message'
echo ok
