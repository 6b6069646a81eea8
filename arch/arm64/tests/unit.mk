UNIT_TESTS += arm64
arm64_SRCS := $(d)/src/esr.cpp $(d)/tests/esr_test.cpp $(d)/src/pgtable.cpp $(d)/tests/pgtable_test.cpp
