UNIT_TESTS += tntimer
tntimer_SRCS := $(d)/src/queue.cpp $(d)/tests/queue_test.cpp

# The per-CPU timer set of tickless SMP (src/timer_set.hpp), header-only.
UNIT_TESTS += tntimer_set
tntimer_set_SRCS := $(d)/src/queue.cpp $(d)/tests/timer_set_test.cpp
tntimer_set_INCLUDES := $(d)/src
