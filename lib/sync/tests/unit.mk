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
