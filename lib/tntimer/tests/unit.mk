UNIT_TESTS += tntimer
tntimer_SRCS := $(d)/src/queue.cpp $(d)/tests/queue_test.cpp
