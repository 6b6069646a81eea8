UNIT_TESTS += vuart
vuart_SRCS := $(d)/src/pl011.cpp $(d)/src/guest_line.cpp $(d)/src/input_switch.cpp $(d)/tests/pl011_test.cpp \
	$(d)/tests/guest_line_test.cpp $(d)/tests/input_switch_test.cpp
vuart_INCLUDES := $(TN_ROOT)/hyp/core/include
