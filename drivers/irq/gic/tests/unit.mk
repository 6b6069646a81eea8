UNIT_TESTS += gic
gic_SRCS := $(d)/tests/gic_regs_test.cpp
