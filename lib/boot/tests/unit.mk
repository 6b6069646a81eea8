UNIT_TESTS += boot
boot_SRCS := $(d)/src/init.cpp $(d)/tests/init_test.cpp
