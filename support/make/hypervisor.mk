# Hypervisor images (TN_IMAGE_MORTISE, TN_IMAGE_COMBINED): what they carry
# besides Mortise's own code, built before the link (docs/mortise.md).
#
#   $(APP_DIR)/partitions.dts   the partition description: checked by
#                               support/tools/partcheck (the same C++ Mortise
#                               checks it with at boot), compiled with dtc
#   $(APP_DIR)/guests.mk        combined images only: the guests to embed,
#                               each built with its own configuration:
#       TN_GUESTS := alpha beta
#       TN_GUEST_alpha_APP := test/apps/ticker         (from the repository root,
#                                                       or an absolute path)
#       TN_GUEST_alpha_DEFCONFIG := test/apps/ticker/defconfig   (optional)
#       TN_GUEST_alpha_CONFIG := CONFIG_FOO=y CONFIG_BAR=3       (optional)
#
# Each guest is a recursive make of its application with O=$(O)/guests/<name>;
# its .bin is embedded under the guest's name (the partition description's
# 'image'), next to the compiled description, by a generated assembly file
# (.incbin) that defines the table hyp/core reads (src/images.cpp).

ifeq ($(CONFIG_TN_HYPERVISOR),y)
TN_COMMA := ,
TN_SPACE := $(subst ,, )
# The machine 'make run' boots and partcheck checks against.
TN_HYP_QEMU_MEM ?= 512M
TN_HYP_QEMU_SMP ?= 4
TN_HYP_DTS := $(APP_DIR)/partitions.dts
TN_HYP_DTB := $(O)/partitions.dtb
TN_HYP_IMAGES_S := $(O)/images/mortise-images.S
TN_HYP_IMAGES_O := $(O)/libs/mortise-images.o

TN_GUESTS :=
ifeq ($(CONFIG_TN_IMAGE_COMBINED),y)
ifeq ($(wildcard $(APP_DIR)/guests.mk),)
$(error $(APP_DIR)/guests.mk is missing: a combined host image names its guests there (see support/make/hypervisor.mk))
endif
include $(APP_DIR)/guests.mk
ifeq ($(strip $(TN_GUESTS)),)
$(error $(APP_DIR)/guests.mk: TN_GUESTS names no guest)
endif
endif

# A guest's paths: absolute, or relative to the repository root.
tn_guest_path = $(abspath $(if $(filter /%,$(1)),$(1),$(TN_ROOT)/$(1)))
tn_guest_app = $(call tn_guest_path,$(TN_GUEST_$(1)_APP))
tn_guest_dir = $(O)/guests/$(1)
tn_guest_bin = $(call tn_guest_dir,$(1))/guest.bin
tn_guest_defconfig = $(or $(if $(TN_GUEST_$(1)_DEFCONFIG),$(call tn_guest_path,$(TN_GUEST_$(1)_DEFCONFIG))),$(call tn_guest_app,$(1))/defconfig)
TN_GUEST_BINS := $(foreach g,$(TN_GUESTS),$(call tn_guest_bin,$(g)))

$(foreach g,$(TN_GUESTS),$(if $(TN_GUEST_$(g)_APP),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)' has no TN_GUEST_$(g)_APP (its application directory))))
$(foreach g,$(TN_GUESTS),$(if $(wildcard $(call tn_guest_app,$(g))/Makefile),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': $(TN_GUEST_$(g)_APP) is not an application directory (no Makefile))))

# $(1) = guest name. The guest's configuration is made again whenever its
# defconfig or guests.mk changes; the guest itself is always handed to its own
# make, which rebuilds only what changed (the .bin keeps its timestamp otherwise).
define tn_guest_rules
$(call tn_guest_dir,$(1))/.config: $(call tn_guest_defconfig,$(1)) $(APP_DIR)/guests.mk
	$$(call tn_echo,GUEST,$(1): configure $(TN_GUEST_$(1)_APP))
	$(Q)$$(MAKE) -s -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) O=$(call tn_guest_dir,$(1)) \
		DEFCONFIG=$(call tn_guest_defconfig,$(1)) defconfig >/dev/null
	$(if $(strip $(TN_GUEST_$(1)_CONFIG)),$(Q)$$(MAKE) -s -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) \
		O=$(call tn_guest_dir,$(1)) setconfig SET="$(TN_GUEST_$(1)_CONFIG)" >/dev/null)

$(call tn_guest_bin,$(1)): $(call tn_guest_dir,$(1))/.config FORCE
	$$(call tn_echo,GUEST,$(1): build $(TN_GUEST_$(1)_APP))
	$(Q)$$(MAKE) -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) O=$(call tn_guest_dir,$(1)) TN_GUEST_IMAGE=$$@ all
endef
$(foreach g,$(TN_GUESTS),$(eval $(call tn_guest_rules,$(g))))

# The build-time check of the description (support/tools/partcheck, from
# mortise-host), against QEMU virt as 'make run' boots it, with the names of the
# images this host embeds. A problem fails the build with file:line: node: reason.
PARTCHECK_O := $(O)/host/partcheck
include $(TN_ROOT)/support/tools/partcheck/partcheck.mk
TN_HYP_CHECK_ARGS := --ram-size $(TN_HYP_QEMU_MEM) --cpus $(TN_HYP_QEMU_SMP) \
	$(if $(CONFIG_TN_IMAGE_COMBINED),--images $(subst $(TN_SPACE),$(TN_COMMA),$(strip $(TN_GUESTS))))

ifneq ($(wildcard $(TN_HYP_DTS)),)
$(TN_HYP_DTB): $(TN_HYP_DTS) $(PARTCHECK) $(if $(wildcard $(APP_DIR)/guests.mk),$(APP_DIR)/guests.mk)
	$(call tn_need_tool,dtc,device-tree-compiler)
	$(call tn_echo,DTC,$(call tn_short,$@))
	$(Q)dtc -q -I dts -O dtb -o $@ $<
	$(call tn_echo,PARTCHECK,$(patsubst $(TN_ROOT)/%,%,$<))
	$(Q)$(PARTCHECK) --dtb $@ --source $< $(TN_HYP_CHECK_ARGS) || { rm -f $@; exit 1; }
TN_HYP_BLOB := $(TN_HYP_DTB)
else
TN_HYP_BLOB :=
endif

TN_HYP_S_TEXT := $(TN_GUESTS)|$(TN_GUEST_BINS)|$(TN_HYP_BLOB)
$(eval $(call tn_write_if_changed,$(O)/images/.list,TN_HYP_S_TEXT))

$(TN_HYP_IMAGES_S): $(TN_ROOT)/support/scripts/hypimages.py $(O)/images/.list
	$(call tn_echo,GEN,$(call tn_short,$@))
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/hypimages.py $@ "$(TN_HYP_BLOB)" \
		$(foreach g,$(TN_GUESTS),$(g)=$(call tn_guest_bin,$(g)))

$(TN_HYP_IMAGES_O): $(TN_HYP_IMAGES_S) $(TN_GUEST_BINS) $(TN_HYP_BLOB)
	@mkdir -p $(@D)
	$(call tn_echo,AS,$(call tn_short,$@))
	$(Q)$(CC) $(TN_COMMON_FLAGS) $(TN_ASFLAGS) -c $< -o $@

TN_PARTIALS += $(TN_HYP_IMAGES_O)
endif

FORCE:
.PHONY: FORCE
