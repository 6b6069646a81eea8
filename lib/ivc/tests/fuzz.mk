# The fuzz input plays a hostile peer: it writes arbitrary bytes into the
# peer-owned lines and the data area of the shared region between the
# victim's calls (test/fuzz/ivc_ring_fuzz.cpp).
FUZZERS += ivc_ring
ivc_ring_SRCS := $(d)/src/ivc_ring.cpp $(TN_ROOT)/test/fuzz/ivc_ring_fuzz.cpp
ivc_ring_ARGS := -max_len=4096
