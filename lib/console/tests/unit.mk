UNIT_TESTS += console
console_SRCS := $(d)/src/format.cpp $(d)/src/console.cpp $(d)/tests/format_test.cpp $(d)/tests/console_test.cpp
