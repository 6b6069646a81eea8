UNIT_TESTS += sched
sched_SRCS := $(d)/tests/runqueue_test.cpp $(d)/tests/policy_test.cpp $(d)/tests/analysis_test.cpp
sched_INCLUDES := $(d)/src

# The scheduler core itself (src/sched.cpp, src/c_api.cpp) on arch/fake, with
# lib/tntimer's real timer service and lib/boot's init runner and CPU bookkeeping; the virtual
# clock, interrupts and stacks come from tests/sched_env.cpp.
sched_core_CONFIG := -DCONFIG_LIBSCHED=1 -DCONFIG_LIBSCHED_PRIORITIES=32 -DCONFIG_LIBSCHED_MAIN_PRIORITY=16 \
	-DCONFIG_LIBSCHED_DEFAULT_STACK_SIZE=262144 -DCONFIG_LIBSCHED_MIN_STACK_SIZE=16384 \
	-DCONFIG_LIBSCHED_IDLE_STACK_SIZE=65536 -DCONFIG_LIBSCHED_STACK_SLOT_SIZE=0x100000 \
	-DCONFIG_LIBSCHED_MAX_THREADS=32 -DCONFIG_LIBTNTIMER=1 -DCONFIG_LIBTNTIMER_TICKLESS=1
# sched_core_SRCS_NO_TESTS: everything but the tests, for other libraries' tests
# on the real scheduler (lib/sync/tests/unit.mk).
sched_core_SRCS_NO_TESTS := $(d)/src/sched.cpp $(d)/src/c_api.cpp $(TN_ROOT)/lib/tntimer/src/service.cpp \
	$(TN_ROOT)/lib/tntimer/src/queue.cpp $(TN_ROOT)/lib/boot/src/init.cpp $(TN_ROOT)/lib/boot/src/smp.cpp \
	$(HOST_ARCH_SRCS) $(d)/tests/sched_env.cpp
sched_core_SRCS := $(sched_core_SRCS_NO_TESTS) $(d)/tests/sched_test.cpp

# Preemptive, with run-time statistics, no time slices.
UNIT_TESTS += sched_core
sched_core_INCLUDES := $(d)/src $(d)/tests
sched_core_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_PREEMPTIVE=1 -DCONFIG_LIBSCHED_RUNTIME_STATS=1 \
	-DCONFIG_LIBSCHED_TIMESLICE_US=0
sched_core_LDFLAGS := -Wl,-T,$(d)/tests/inittab.ld

# The same core with 1 ms time slices, and with the cooperative policy.
UNIT_TESTS += sched_slice sched_coop
sched_slice_SRCS := $(sched_core_SRCS_NO_TESTS) $(d)/tests/variants_test.cpp
sched_slice_INCLUDES := $(sched_core_INCLUDES)
sched_slice_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_PREEMPTIVE=1 -DCONFIG_LIBSCHED_TIMESLICE_US=1000
sched_slice_LDFLAGS := $(sched_core_LDFLAGS)
sched_coop_SRCS := $(sched_slice_SRCS)
sched_coop_INCLUDES := $(sched_core_INCLUDES)
sched_coop_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_COOPERATIVE=1 -DCONFIG_LIBSCHED_TIMESLICE_US=0
sched_coop_LDFLAGS := $(sched_core_LDFLAGS)

# The core with reservations (LIBSCHED_RESERVATIONS), run-time statistics on.
UNIT_TESTS += sched_resv
sched_resv_SRCS := $(sched_core_SRCS_NO_TESTS) $(d)/tests/resv_test.cpp
sched_resv_INCLUDES := $(sched_core_INCLUDES)
sched_resv_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_PREEMPTIVE=1 -DCONFIG_LIBSCHED_RUNTIME_STATS=1 \
	-DCONFIG_LIBSCHED_TIMESLICE_US=0 -DCONFIG_LIBSCHED_RESERVATIONS=1
sched_resv_LDFLAGS := $(sched_core_LDFLAGS)
