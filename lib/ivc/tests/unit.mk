# The shared-memory ring against a std::deque model, its reset and generation
# rules, every corruption a hostile peer can cause, and the C interface.
UNIT_TESTS += ivc_ring
ivc_ring_SRCS := $(d)/src/ivc_ring.cpp $(d)/src/c_api.cpp $(d)/tests/ivc_ring_test.cpp $(d)/tests/c_api_test.cpp

# The two members on two host threads under ThreadSanitizer: the release/acquire
# pairs of docs/ivc-ring.md order the payload bytes without a data race.
UNIT_TESTS += ivc_ring_threads
ivc_ring_threads_SRCS := $(d)/src/ivc_ring.cpp $(d)/tests/ivc_ring_threads_test.cpp
ivc_ring_threads_SANITIZE := thread

# The channel layer's portable parts: reading the `tenonos,ivc-channel` nodes
# of a guest's device tree, the ring size member 0 formats, and when a
# consumer rings its producer (src/wake_rule.hpp) against a brute-force model.
UNIT_TESTS += ivc_channel
ivc_channel_SRCS := $(d)/src/dt.cpp $(d)/tests/channel_desc_test.cpp \
	$(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp \
	$(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp
ivc_channel_INCLUDES := $(d)/src
