FUZZERS += fdt
fdt_SRCS := $(d)/src/fdt.cpp $(d)/src/property.cpp $(d)/src/query.cpp $(d)/src/platform.cpp \
	$(d)/src/index.cpp $(TN_ROOT)/test/fuzz/fdt_fuzz.cpp
fdt_INCLUDES := $(d)/tests
fdt_ARGS := -max_len=16384
fdt_SEEDS := $(O)/seeds/fdt

# Seeds: QEMU virt DTBs for both GIC versions, with and without EL2, when QEMU is
# installed. dtc, if present, repacks them from QEMU's 1 MiB to their real ~7.5 KiB.
FDT_QEMU_MACHINES := gic-version=2 gic-version=3 gic-version=2,virtualization=on \
	gic-version=3,virtualization=on
$(fdt_SEEDS)/.stamp:
	@mkdir -p $(@D)
	$(Q)if command -v qemu-system-aarch64 >/dev/null 2>&1; then \
		for m in $(FDT_QEMU_MACHINES); do \
			n=virt_$$(echo $$m | tr ',=' '__'); \
			qemu-system-aarch64 -machine virt,$$m,dumpdtb=$(@D)/$$n.raw -cpu cortex-a53 \
				-display none >/dev/null 2>&1 || continue; \
			if command -v dtc >/dev/null 2>&1 && \
				dtc -q -I dtb -O dtb -o $(@D)/$$n.dtb $(@D)/$$n.raw 2>/dev/null; then \
				rm -f $(@D)/$$n.raw; \
			else mv $(@D)/$$n.raw $(@D)/$$n.dtb; fi; \
		done; \
	else echo "  fdt: qemu-system-aarch64 not found, fuzzing without seeds"; fi
	@touch $@
