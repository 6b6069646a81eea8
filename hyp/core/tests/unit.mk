# The guest lifecycle state machine (src/lifecycle.cpp) with a test guest
# (tests/lifecycle_harness.hpp). The spinlock is real (TN_HOST_SMP).
UNIT_TESTS += mortise_lifecycle
mortise_lifecycle_SRCS := $(d)/src/lifecycle.cpp $(d)/tests/lifecycle_test.cpp
mortise_lifecycle_INCLUDES := $(d)/src $(d)/tests
mortise_lifecycle_CXXFLAGS := -DTN_HOST_SMP=1

# The same, raced from several host threads under ThreadSanitizer.
UNIT_TESTS += mortise_lifecycle_race
mortise_lifecycle_race_SRCS := $(d)/src/lifecycle.cpp $(d)/tests/lifecycle_race_test.cpp
mortise_lifecycle_race_INCLUDES := $(d)/src $(d)/tests
mortise_lifecycle_race_CXXFLAGS := -DTN_HOST_SMP=1
mortise_lifecycle_race_SANITIZE := thread
