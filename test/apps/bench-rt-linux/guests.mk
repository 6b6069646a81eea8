# Tenon's real-time figures under Mortise beside a busy Linux (scripts/bench
# config rtbench-mortise-linux): apps/rtbench on CPU 1 waits
# RTBENCH_START_DELAY_MS, long enough for Linux on CPUs 2 and 3 to boot and
# start rootfs/usr/bin/tn-load (tn.init=), then measures as bench-rt-solo does.
RTBENCH_SAMPLES ?= 1000
RTBENCH_WARMUP ?= 100
RTBENCH_START_DELAY_MS ?= 8000
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
TN_GUEST_rt_APP := apps/rtbench
TN_GUEST_rt_CONFIG := CONFIG_RTBENCH_TM=n CONFIG_RTBENCH_TIMER=n CONFIG_TN_ASSERT=n \
	CONFIG_RTBENCH_SAMPLES=$(RTBENCH_SAMPLES) CONFIG_RTBENCH_WARMUP=$(RTBENCH_WARMUP) \
	CONFIG_RTBENCH_START_DELAY_MS=$(RTBENCH_START_DELAY_MS)
