UNIT_TESTS += vpsci
vpsci_SRCS := $(d)/src/vpsci.cpp $(d)/tests/vpsci_test.cpp

UNIT_TESTS += smccc
smccc_SRCS := $(d)/src/smccc.cpp $(d)/tests/smccc_test.cpp
