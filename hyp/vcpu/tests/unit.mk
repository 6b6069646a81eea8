# The external abort Mortise injects into a guest (src/inject.cpp): pure
# register arithmetic, no arch code.
UNIT_TESTS += mortise_inject
mortise_inject_SRCS := $(d)/src/inject.cpp $(d)/tests/inject_test.cpp
