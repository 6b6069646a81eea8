UNIT_TESTS += vpsci
vpsci_SRCS := $(d)/src/vpsci.cpp $(d)/tests/vpsci_test.cpp
