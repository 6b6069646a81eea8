# The external abort Mortise injects into a guest (src/inject.cpp): pure
# register arithmetic, no arch code.
UNIT_TESTS += mortise_inject
mortise_inject_SRCS := $(d)/src/inject.cpp $(d)/tests/inject_test.cpp

# Trapped system registers by class (src/sysreg_trap.cpp): what a guest gets
# for PMU, debug, trace, implementation-defined and other registers.
UNIT_TESTS += mortise_sysreg_trap
mortise_sysreg_trap_SRCS := $(d)/src/sysreg_trap.cpp $(TN_ROOT)/lib/console/src/format.cpp \
	$(d)/tests/sysreg_trap_test.cpp
