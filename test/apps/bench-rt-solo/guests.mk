# Tenon's real-time figures under Mortise, alone (scripts/bench config
# rtbench-mortise): apps/rtbench as a guest, scheduler and interrupt groups
# only. scripts/bench sets the sample counts (make RTBENCH_SAMPLES=...), and
# adds the Thread-Metric group for its mortise.guest.* rows (configuration
# rtbench-mortise-guest: make RTBENCH_TM=y).
RTBENCH_SAMPLES ?= 1000
RTBENCH_WARMUP ?= 100
RTBENCH_TM ?= n
TN_GUESTS := rt
TN_GUEST_rt_APP := apps/rtbench
TN_GUEST_rt_CONFIG := CONFIG_RTBENCH_TM=$(RTBENCH_TM) CONFIG_RTBENCH_TIMER=n CONFIG_TN_ASSERT=n \
	CONFIG_RTBENCH_SAMPLES=$(RTBENCH_SAMPLES) CONFIG_RTBENCH_WARMUP=$(RTBENCH_WARMUP)
