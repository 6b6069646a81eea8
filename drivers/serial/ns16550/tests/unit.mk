UNIT_TESTS += ns16550
ns16550_SRCS := $(d)/src/ns16550.cpp $(d)/src/config.cpp $(d)/src/rx_queue.cpp $(d)/tests/ns16550_test.cpp \
	$(addprefix $(TN_ROOT)/lib/fdt/src/,fdt.cpp property.cpp query.cpp platform.cpp index.cpp)
ns16550_INCLUDES := $(TN_ROOT)/lib/fdt/src $(TN_ROOT)/lib/fdt/tests
ns16550_CXXFLAGS := -DCONFIG_DRV_SERIAL_NS16550_RX_BUFFER_SIZE=64
