UNIT_TESTS += arch_fake
arch_fake_SRCS := $(HOST_ARCH_SRCS) $(d)/tests/context_test.cpp
