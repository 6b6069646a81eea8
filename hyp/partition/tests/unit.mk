UNIT_TESTS += partition
partition_SRCS := $(d)/src/partition.cpp $(d)/src/decode.cpp $(d)/src/color.cpp $(d)/src/kernel_image.cpp $(TN_ROOT)/plat/mortise-qemu-virt/src/partition_platform.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/partition_test.cpp \
	$(d)/tests/channel_test.cpp
partition_INCLUDES := $(TN_ROOT)/lib/fdt/tests

# support/tools/partcheck, built from the same sources, run on tests/dts/*.dts.
UNIT_TESTS += partcheck
partcheck_SRCS := $(d)/src/partition.cpp $(d)/src/decode.cpp $(d)/src/color.cpp $(d)/src/kernel_image.cpp $(TN_ROOT)/plat/mortise-qemu-virt/src/partition_platform.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp \
	$(TN_ROOT)/hyp/guestdt/src/guestdt.cpp $(TN_ROOT)/hyp/guestdt/src/passthrough.cpp \
	$(TN_ROOT)/hyp/guestdt/src/host_platform.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp \
	$(TN_ROOT)/support/tools/partcheck/partcheck.cpp $(d)/tests/partcheck_test.cpp
partcheck_INCLUDES := $(TN_ROOT)/support/tools/partcheck
partcheck_CXXFLAGS := -DTN_PARTCHECK_DTS_DIR='"$(d)/tests/dts"'

# The arm64 Image header and the guest RAM layout of kernel, initramfs and device tree.
UNIT_TESTS += kernel_image
kernel_image_SRCS := $(d)/src/kernel_image.cpp $(d)/tests/kernel_image_test.cpp

# Boot modules: the /chosen nodes a bootloader writes for a Mortise hypervisor image
# (src/modules.cpp), read from hand-built trees, malformed ones included.
UNIT_TESTS += boot_modules
boot_modules_SRCS := $(d)/src/modules.cpp $(d)/src/kernel_image.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(d)/tests/modules_test.cpp
boot_modules_INCLUDES := $(TN_ROOT)/lib/fdt/tests

# partcheck --board-dtb on Debian's real rk3568 trees (scripts/rk3568-dtbs; test/run passes
# TN_RK3568_DTBS to binaries named rk3568*, and the tests skip with the reason without it).
UNIT_TESTS += rk3568_partcheck
rk3568_partcheck_SRCS := $(partcheck_SRCS:%/partcheck_test.cpp=%/rk3568_partcheck_test.cpp)
rk3568_partcheck_INCLUDES := $(TN_ROOT)/support/tools/partcheck

# LLC page colouring (src/color.cpp): the allocator of coloured guest RAM, the host tree's cache
# geometry, and the `colors` rules of the description (src/decode.cpp, src/partition.cpp).
UNIT_TESTS += llc_color
llc_color_SRCS := $(d)/src/color.cpp $(d)/src/partition.cpp $(d)/src/decode.cpp $(d)/src/kernel_image.cpp \
	$(TN_ROOT)/plat/mortise-qemu-virt/src/partition_platform.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/color_test.cpp
llc_color_INCLUDES := $(TN_ROOT)/lib/fdt/tests
