UNIT_TESTS += vgic
vgic_SRCS := $(d)/src/vgic.cpp $(d)/src/mmio.cpp $(d)/tests/vgic_test.cpp $(d)/tests/mmio_test.cpp
vgic_INCLUDES := $(TN_ROOT)/hyp/core/include $(d)/tests
