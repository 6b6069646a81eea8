UNIT_TESTS += irq
irq_SRCS := $(d)/src/dispatcher.cpp $(d)/tests/dispatcher_test.cpp
irq_INCLUDES := $(d)/src
