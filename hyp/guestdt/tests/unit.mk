UNIT_TESTS += guestdt
guestdt_SRCS := $(d)/src/guestdt.cpp $(d)/src/passthrough.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/guestdt_test.cpp
# The QEMU virt tree test dumps the machine's tree through the project's runner.
guestdt_CXXFLAGS := -DTN_QEMU_RUN='"$(TN_ROOT)/scripts/qemu-run"'
