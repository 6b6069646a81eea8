UNIT_TESTS += hypercall
hypercall_SRCS := $(d)/src/table.cpp $(d)/src/groups.cpp $(TN_ROOT)/lib/console/src/format.cpp \
	$(d)/tests/hypercall_test.cpp
