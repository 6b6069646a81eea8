UNIT_TESTS += console
console_SRCS := $(d)/src/format.cpp $(d)/tests/format_test.cpp
