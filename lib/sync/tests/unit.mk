UNIT_TESTS += sync
sync_SRCS := $(d)/src/pi.cpp $(d)/src/mutex.cpp $(d)/src/semaphore.cpp \
	$(d)/src/message_queue.cpp $(d)/src/event_flags.cpp $(d)/src/c_api.cpp \
	$(d)/tests/fake_sched.cpp $(d)/tests/mutex_test.cpp $(d)/tests/condvar_test.cpp \
	$(d)/tests/objects_test.cpp $(d)/tests/c_api_test.cpp \
	$(d)/src/exit_report.cpp $(d)/tests/exit_test.cpp $(TN_ROOT)/lib/console/src/format.cpp
sync_INCLUDES := $(d)/src $(d)/tests
# A small chain limit, so ChainDepthIsBounded can pass it with six threads.
sync_CXXFLAGS := -DCONFIG_LIBSYNC_PI_MAX_DEPTH=4

# LIBSYNC_MUTEX_PI=n: the same sources configured without priority inheritance.
UNIT_TESTS += sync_nopi
sync_nopi_SRCS := $(d)/src/pi.cpp $(d)/src/mutex.cpp $(d)/src/semaphore.cpp \
	$(d)/src/message_queue.cpp $(d)/src/event_flags.cpp $(d)/src/c_api.cpp \
	$(d)/tests/fake_sched.cpp $(d)/tests/nopi_test.cpp
sync_nopi_INCLUDES := $(d)/src $(d)/tests
sync_nopi_CXXFLAGS := -DCONFIG_LIBSYNC=1

# lib/sync on the real scheduler core (lib/sched/tests/unit.mk explains the set-up).
UNIT_TESTS += sync_sched
sync_sched_SRCS := $(d)/src/pi.cpp $(d)/src/mutex.cpp $(d)/src/semaphore.cpp \
	$(d)/src/message_queue.cpp $(d)/src/event_flags.cpp $(d)/src/exit_report.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(sched_core_SRCS_NO_TESTS) $(d)/tests/real_sched_test.cpp
sync_sched_INCLUDES := $(d)/src $(TN_ROOT)/lib/sched/src $(TN_ROOT)/lib/sched/tests
sync_sched_CXXFLAGS := $(sched_core_CONFIG) -DCONFIG_LIBSCHED_PREEMPTIVE=1 -DCONFIG_LIBSCHED_RUNTIME_STATS=1 \
	-DCONFIG_LIBSCHED_TIMESLICE_US=0 -DCONFIG_LIBSYNC=1 -DCONFIG_LIBSYNC_MUTEX_PI=1 -DCONFIG_LIBSYNC_PI_MAX_DEPTH=8
sync_sched_LDFLAGS := -Wl,-T,$(TN_ROOT)/lib/sched/tests/inittab.ld
