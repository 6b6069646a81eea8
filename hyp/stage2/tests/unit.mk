UNIT_TESTS += stage2
stage2_SRCS := $(d)/src/stage2.cpp $(d)/tests/stage2_test.cpp $(TN_ROOT)/arch/arm64/src/pgtable.cpp
