UNIT_TESTS += guestdt
guestdt_SRCS := $(d)/src/guestdt.cpp $(d)/src/passthrough.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/guestdt_test.cpp
# The QEMU virt tree test dumps the machine's tree through the project's runner.
guestdt_CXXFLAGS := -DTN_QEMU_RUN='"$(TN_ROOT)/scripts/qemu-run"'

# host_platform(): a board's tree as the partition checks see it (hand-built trees, QEMU's own).
UNIT_TESTS += host_platform
host_platform_SRCS := $(d)/src/host_platform.cpp $(d)/src/guestdt.cpp $(d)/src/passthrough.cpp \
	$(TN_ROOT)/plat/mortise-qemu-virt/src/partition_platform.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp \
	$(TN_ROOT)/lib/fdt/src/overlay.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp \
	$(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/host_platform_test.cpp
host_platform_CXXFLAGS := -DTN_QEMU_RUN='"$(TN_ROOT)/scripts/qemu-run"'
