FUZZERS += partition
partition_SRCS := $(d)/src/partition.cpp $(d)/src/decode.cpp $(d)/src/color.cpp $(d)/src/kernel_image.cpp $(TN_ROOT)/plat/mortise-qemu-virt/src/partition_platform.cpp $(TN_ROOT)/hyp/guestdt/src/guestdt.cpp $(TN_ROOT)/hyp/guestdt/src/passthrough.cpp $(TN_ROOT)/hyp/guestdt/src/host_platform.cpp \
	$(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp \
	$(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(d)/tests/partition_fuzz.cpp
partition_ARGS := -max_len=8192
partition_SEEDS := $(O)/seeds/partition

# Seeds: the test descriptions (good and bad), compiled with dtc when it is installed.
PARTITION_DTS := $(wildcard $(d)/tests/dts/*.dts)
$(partition_SEEDS)/.stamp: $(PARTITION_DTS)
	@mkdir -p $(@D)
	$(Q)if command -v dtc >/dev/null 2>&1; then \
		for f in $^; do dtc -q -I dts -O dtb -o $(@D)/$$(basename $$f .dts).dtb $$f || exit 1; done; \
	else echo "  partition: dtc not found, fuzzing without seeds"; fi
	@touch $@

# Boot modules: the /chosen nodes and the modules' first bytes a boot loader hands Mortise.
FUZZERS += boot_modules
boot_modules_SRCS := $(d)/src/modules.cpp $(d)/src/kernel_image.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp \
	$(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp \
	$(TN_ROOT)/lib/fdt/src/index.cpp $(d)/tests/modules_fuzz.cpp
boot_modules_ARGS := -max_len=8192
boot_modules_SEEDS := $(O)/seeds/boot_modules

$(boot_modules_SEEDS)/.stamp: $(d)/tests/modules_seed.dts
	@mkdir -p $(@D)
	$(Q)if command -v dtc >/dev/null 2>&1; then dtc -q -I dts -O dtb -o $(@D)/modules.dtb $<; \
	else echo "  boot_modules: dtc not found, fuzzing without seeds"; fi
	@touch $@
