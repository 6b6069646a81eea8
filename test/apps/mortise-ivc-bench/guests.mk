# Inter-VM channel figures under QEMU -icount (scripts/bench configuration
# ivc-bench, docs/benchmarks.md): 'bench' measures the null hypercall, a
# virtual interrupt, ivc.pingpong and ivc.throughput.* in one boot against
# 'echo' on the channel 'bench'. Like every benchmark build, without TN_ASSERT.
IVC_BENCH_SAMPLES ?= 1000
TN_GUESTS := bench echo
TN_GUEST_bench_APP := test/apps/ivc-bench
TN_GUEST_bench_CONFIG := CONFIG_IVC_BENCH_MEASURE=y CONFIG_IVC_BENCH_SAMPLES=$(IVC_BENCH_SAMPLES) CONFIG_TN_ASSERT=n
TN_GUEST_echo_APP := test/apps/ivc-bench
TN_GUEST_echo_CONFIG := CONFIG_IVC_BENCH_ECHO=y CONFIG_TN_ASSERT=n
