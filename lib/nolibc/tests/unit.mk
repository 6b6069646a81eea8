UNIT_TESTS += nolibc
nolibc_SRCS := $(d)/tests/string_test.cpp
