UNIT_TESTS += kbase
kbase_SRCS := $(d)/tests/result_test.cpp $(d)/tests/addr_test.cpp $(d)/tests/register_test.cpp $(d)/tests/ring_test.cpp $(d)/tests/list_test.cpp \
	$(d)/tests/assert_test.cpp $(d)/tests/assert_off_test.cpp $(d)/tests/bytes_test.cpp
