# Final image: link every library's partial object with the arch linker script,
# then the raw binary (Linux arm64 Image format), the map and the size report.

ifeq ($(TN_CONFIG_LOADED),y)
TN_PLAT_NAME ?= $(error no platform library is enabled: choose one under 'Platform' in make menuconfig)
TN_LDS ?= $(error no architecture library provides a linker script (TN_LDS))
TN_IMAGE := $(O)/$(APP_NAME)_$(TN_PLAT_NAME)

# Generated linker-script fragment list: INCLUDEd by the arch linker script.
TN_LDS_TEXT := $(foreach f,$(TN_LDS_FRAGMENTS),INCLUDE "$(f)"$(TN_NL))
$(eval $(call tn_write_if_changed,$(O)/ldscripts/libs.lds,TN_LDS_TEXT))
# Prebuilt archives (U_LDLIBS-y: newlib's libm, libc) and libgcc resolve each
# other's references, so they form one group after the partial objects.
TN_LINK_LIBS := $(if $(strip $(TN_LDLIBS)),--start-group $(TN_LDLIBS) $(TN_LIBGCC) --end-group,$(TN_LIBGCC))
TN_LINK_TEXT := $(LD) $(TN_LDFLAGS) $(TN_PARTIALS) $(TN_LINK_LIBS) $(TN_LDS)
$(eval $(call tn_write_if_changed,$(O)/ldscripts/.link,TN_LINK_TEXT))

all: $(TN_IMAGE).elf $(TN_IMAGE).bin $(TN_IMAGE).sizes

$(TN_IMAGE).elf: $(TN_PARTIALS) $(TN_LDLIBS) $(TN_LDS) $(TN_LDS_FRAGMENTS) $(O)/ldscripts/libs.lds $(O)/ldscripts/.link
	$(call tn_echo,LD,$(call tn_short,$@))
	$(Q)$(LD) $(TN_LDFLAGS) -L $(O)/ldscripts -T $(TN_LDS) -Map=$(TN_IMAGE).map -o $@ $(TN_PARTIALS) $(TN_LINK_LIBS)
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/checkimage.py $@

$(TN_IMAGE).bin: $(TN_IMAGE).elf
	$(call tn_echo,OBJCOPY,$(call tn_short,$@))
	$(Q)$(OBJCOPY) -O binary $< $@

$(TN_IMAGE).sizes: $(TN_IMAGE).elf
	$(call tn_echo,SIZES,$(call tn_short,$@))
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/mapsizes.py $(TN_IMAGE).map $(O) > $@

sizes: $(TN_IMAGE).sizes
	@cat $<

# A combined host's build (hypervisor.mk) asks for a guest's image under a
# name that does not depend on the guest's platform.
ifneq ($(TN_GUEST_IMAGE),)
all: $(TN_GUEST_IMAGE)
$(TN_GUEST_IMAGE): $(TN_IMAGE).bin
	$(Q)cp $< $@
endif

# QEMU_* variables select how the image is booted; the platform library
# provides TN_QEMU_FLAGS (machine, CPU, memory).
# Hypervisor images need EL2 and a GICv3, and get the CPUs their partition
# description was checked against.
QEMU_EL2 ?= $(if $(CONFIG_TN_HYPERVISOR),1,0)
QEMU_GIC ?= $(if $(CONFIG_TN_HYPERVISOR),3,2)
QEMU_SMP ?= $(if $(CONFIG_TN_HYPERVISOR),$(TN_HYP_QEMU_SMP),1)
QEMU_ICOUNT ?= 0
QEMU_TIMEOUT ?= 0
QEMU_KERNEL ?= $(TN_IMAGE).bin
QEMU_LOAD_ADDR ?=
# The machine 'run' boots; debug.mk adds the gdb stub to the same arguments,
# uboot.mk boots the same machine through U-Boot.
# $(1): scripts/qemu-run options to add before the extra QEMU arguments.
tn_qemu_machine_args = --gic $(QEMU_GIC) --smp $(QEMU_SMP) $(if $(filter 1,$(QEMU_EL2)),--el2) \
	$(if $(filter 1,$(QEMU_ICOUNT)),--icount) --timeout $(QEMU_TIMEOUT) $(1) $(TN_QEMU_FLAGS) -- $(QEMU_FLAGS)
# TN_QEMU_MODULE_ARGS (uboot.mk): a Mortise hypervisor image's boot modules.
tn_qemu_run_args = --kernel $(QEMU_KERNEL) $(if $(QEMU_LOAD_ADDR),--load-addr $(QEMU_LOAD_ADDR)) \
	$(TN_QEMU_MODULE_ARGS) $(call tn_qemu_machine_args,$(1))
run: all
	$(call tn_need_tool,qemu-system-aarch64,qemu-system-arm)
	$(Q)$(TN_ROOT)/scripts/qemu-run $(call tn_qemu_run_args)

else
# First pass: config.mk is being generated; make restarts once it exists.
all run sizes:
endif
.PHONY: all sizes run
