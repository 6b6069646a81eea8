FUZZERS += vgic
vgic_SRCS := $(d)/src/vgic.cpp $(d)/src/mmio.cpp $(d)/tests/vgic_fuzz.cpp
vgic_INCLUDES := $(TN_ROOT)/hyp/core/include
vgic_ARGS := -max_len=4096
