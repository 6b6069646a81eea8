FUZZERS += fdt
fdt_SRCS := $(d)/src/fdt.cpp $(d)/src/property.cpp $(d)/src/query.cpp $(d)/src/platform.cpp \
	$(d)/src/index.cpp $(TN_ROOT)/test/fuzz/fdt_fuzz.cpp
fdt_INCLUDES := $(d)/tests
fdt_ARGS := -max_len=16384
fdt_SEEDS := $(O)/seeds/fdt

# Seeds: QEMU virt DTBs for both GIC versions, with and without EL2, when QEMU is
# installed. dtc, if present, repacks them from QEMU's 1 MiB to their real ~7.5 KiB.
FDT_QEMU_MACHINES := --gic=2 --gic=3 --gic=2:--el2 --gic=3:--el2
$(fdt_SEEDS)/.stamp:
	@mkdir -p $(@D)
	$(Q)if command -v qemu-system-aarch64 >/dev/null 2>&1; then \
		for m in $(FDT_QEMU_MACHINES); do \
			n=virt$$(echo $$m | tr -d -- - | tr ':=' '__'); \
			$(TN_ROOT)/scripts/qemu-run $$(echo $$m | tr ':=' '  ') --dump-dtb $(@D)/$$n.raw 2>/dev/null || \
				{ echo "  fdt: dumping QEMU's $$m tree failed, no seed from it"; continue; }; \
			if command -v dtc >/dev/null 2>&1 && \
				dtc -q -I dtb -O dtb -o $(@D)/$$n.dtb $(@D)/$$n.raw 2>/dev/null; then \
				rm -f $(@D)/$$n.raw; \
			else mv $(@D)/$$n.raw $(@D)/$$n.dtb; fi; \
		done; \
	else echo "  fdt: qemu-system-aarch64 not found, fuzzing without seeds"; fi
	@touch $@

# tn::fdt::apply_overlay on overlay inputs; seeds: the partcheck tests' overlay sources, compiled.
FUZZERS += fdt_overlay
fdt_overlay_SRCS := $(d)/src/fdt.cpp $(d)/src/property.cpp $(d)/src/query.cpp $(d)/src/platform.cpp \
	$(d)/src/index.cpp $(d)/src/writer.cpp $(d)/src/overlay.cpp $(d)/tests/overlay_fuzz.cpp
fdt_overlay_ARGS := -max_len=4096
fdt_overlay_SEEDS := $(O)/seeds/fdt_overlay
$(fdt_overlay_SEEDS)/.stamp: $(wildcard $(TN_ROOT)/hyp/partition/tests/dts/overlay-*.dtso)
	@mkdir -p $(@D)
	$(Q)if command -v dtc >/dev/null 2>&1; then \
		for s in $^; do dtc -q -I dts -O dtb -o $(@D)/$$(basename $$s .dtso).dtbo $$s; done; \
	else echo "  fdt_overlay: dtc not found, fuzzing without seeds"; fi
	@touch $@
