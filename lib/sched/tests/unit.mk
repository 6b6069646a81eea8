UNIT_TESTS += sched
sched_SRCS := $(d)/tests/runqueue_test.cpp $(d)/tests/policy_test.cpp
sched_INCLUDES := $(d)/src
