# The shared-memory ring against a std::deque model, its reset and generation
# rules, and every corruption a hostile peer can cause.
UNIT_TESTS += ivc_ring
ivc_ring_SRCS := $(d)/src/ivc_ring.cpp $(d)/tests/ivc_ring_test.cpp
