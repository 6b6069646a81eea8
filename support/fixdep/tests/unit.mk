UNIT_TESTS += fixdep
fixdep_SRCS := $(d)/fixdep_core.cpp $(d)/tests/fixdep_test.cpp
fixdep_INCLUDES := $(d)
