UNIT_TESTS += clock
clock_SRCS := $(d)/src/scale.cpp $(d)/src/event_clock.cpp $(d)/tests/scale_test.cpp $(d)/tests/event_clock_test.cpp
clock_INCLUDES := $(d)/src
