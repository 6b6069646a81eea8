# lib/sync on the real scheduler core: lib/sched's sched.cpp on arch/fake, with
# the virtual clock and interrupts of lib/sched/tests/sched_env.cpp
# (lib/sched/tests/unit.mk explains the set-up). tests/sync_test.hpp is the
# harness the tests share.
sync_SYNC_SRCS := $(d)/src/pi.cpp $(d)/src/mutex.cpp $(d)/src/semaphore.cpp \
	$(d)/src/message_queue.cpp $(d)/src/block_pool.cpp $(d)/src/event_flags.cpp $(d)/src/c_api.cpp
sync_ENV_SRCS := $(sched_core_SRCS_NO_TESTS) $(d)/tests/sync_test.cpp
sync_ENV_INCLUDES := $(d)/src $(d)/tests $(TN_ROOT)/lib/sched/src $(TN_ROOT)/lib/sched/tests
sync_ENV_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_PREEMPTIVE=1 -DCONFIG_LIBSCHED_RUNTIME_STATS=1 \
	-DCONFIG_LIBSCHED_TIMESLICE_US=0 -DCONFIG_LIBSYNC=1
# The seams of sync_test.cpp: lib/sync's set_effective_priority() calls (counted)
# and the scheduler's wait_timed_out() call (can be switched off).
sync_ENV_LDFLAGS := -Wl,-T,$(TN_ROOT)/lib/sched/tests/inittab.ld \
	-Wl,--wrap=_ZN2tn5sched22set_effective_priorityERNS0_6LockedEPNS0_6ThreadEh \
	-Wl,--wrap=_ZN2tn4sync14wait_timed_outERNS_5sched6LockedEPNS1_6ThreadE

UNIT_TESTS += sync
sync_SRCS := $(sync_SYNC_SRCS) $(d)/src/exit_report.cpp $(d)/src/exit_check.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(sync_ENV_SRCS) \
	$(d)/tests/mutex_test.cpp $(d)/tests/condvar_test.cpp $(d)/tests/objects_test.cpp \
	$(d)/tests/c_api_test.cpp $(d)/tests/pool_test.cpp $(d)/tests/exit_test.cpp $(d)/tests/real_sched_test.cpp
sync_INCLUDES := $(sync_ENV_INCLUDES)
# A small chain limit, so ChainDepthIsBounded can pass it with six threads.
sync_CXXFLAGS := $(sync_ENV_CXXFLAGS) -DCONFIG_LIBSYNC_MUTEX_PI=1 -DCONFIG_LIBSYNC_PI_MAX_DEPTH=4
sync_LDFLAGS := $(sync_ENV_LDFLAGS)

# LIBSYNC_MUTEX_PI=n: the same sources configured without priority inheritance.
UNIT_TESTS += sync_nopi
sync_nopi_SRCS := $(sync_SYNC_SRCS) $(sync_ENV_SRCS) $(d)/tests/nopi_test.cpp
sync_nopi_INCLUDES := $(sync_ENV_INCLUDES)
sync_nopi_CXXFLAGS := $(sync_ENV_CXXFLAGS)
sync_nopi_LDFLAGS := $(sync_ENV_LDFLAGS)
