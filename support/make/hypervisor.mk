# Hypervisor images (TN_IMAGE_MORTISE, TN_IMAGE_COMBINED): what they carry
# besides Mortise's own code, built before the link (docs/mortise.md).
#
#   $(APP_DIR)/partitions.dts   the partition description: checked by
#                               support/tools/partcheck (the same C++ Mortise
#                               checks it with at boot), compiled with dtc;
#                               partitions.<platform>.dts instead when the app
#                               has one for the image's TN_PLAT_NAME (e.g.
#                               partitions.rk3568.dts: the board's CPU count)
#   $(APP_DIR)/guests.mk        combined images only: the guests to embed,
#                               each built with its own configuration:
#       TN_GUESTS := alpha beta
#       TN_GUEST_alpha_APP := test/apps/ticker         (from the repository root,
#                                                       or an absolute path)
#       TN_GUEST_alpha_DEFCONFIG := test/apps/ticker/defconfig   (optional)
#       TN_GUEST_alpha_CONFIG := CONFIG_FOO=y CONFIG_BAR=3       (optional)
#   A Linux guest names a kernel instead of an application (docs/linux-guest.md):
#       TN_GUEST_linux_LINUX := stock          Debian's kernel from scripts/linux-artifacts
#                                              (stock, or rt for PREEMPT_RT), fetched once
#                                              into $TN_CACHE
#       TN_GUEST_linux_IMAGE := path/Image     or a kernel Image of your own
#       TN_GUEST_linux_INITRAMFS := path       (optional) your own initramfs, or 'none';
#                                              default: built by scripts/linux-initramfs
#                                              from the manifest's busybox and the overlays:
#       TN_GUEST_linux_ROOTFS := dir ...       (optional) rootfs overlays; default the
#                                              host app's rootfs/ when it exists
#       TN_GUEST_linux_MODULES := virtio_blk ... (optional, with _LINUX) kernel modules
#                                              from the kernel's .deb, with their
#                                              dependencies; /init loads them
#       TN_GUEST_linux_MODULE_ARGS_gpio_keys := a=1 b=x  (optional) the parameters /init gives
#                                              insmod for that module (one variable per module,
#                                              named as in _MODULES): lib/modules/<module>.args
#       TN_GUEST_linux_IVC_TOOL := y           (optional) /bin/ivc-tool in the initramfs: the
#                                              guest's inter-VM channels from userspace
#                                              (support/ivc-linux, static, built here)
#       TN_GUEST_linux_DT_OVERLAY := path.dts  (optional) a device-tree overlay source
#                                              (/dts-v1/; /plugin/; target-path fragments),
#                                              compiled with dtc, applied by Mortise to the
#                                              guest's generated tree (docs/linux-guest.md)
#     Its Image, initramfs and overlay are embedded under the guest's name; partitions.dts
#     says kernel = "linux"; image = "linux"; initramfs = "linux"; dt-overlay = "linux";
#   A Mortise hypervisor image's guests are boot modules (support/make/uboot.mk):
#       TN_GUEST_alpha_MODULE := path          (optional) the file make uboot-image puts on
#                                              the disk as alpha's kernel instead of its build
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
TN_HYP_DTS := $(or $(wildcard $(APP_DIR)/partitions.$(TN_PLAT_NAME).dts),$(APP_DIR)/partitions.dts)
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
# A Mortise hypervisor image embeds no guest: with a guests.mk, its guests are built
# all the same and make uboot-image puts them on the disk as boot modules
# (support/make/uboot.mk, docs/mortise.md "Boot modules").
TN_HYP_MODULES :=
ifeq ($(CONFIG_TN_IMAGE_MORTISE),y)
ifneq ($(wildcard $(APP_DIR)/guests.mk),)
include $(APP_DIR)/guests.mk
TN_HYP_MODULES := y
endif
endif

# Linux guests: TN_GUEST_<name>_LINUX (stock or rt) or TN_GUEST_<name>_IMAGE.
tn_guest_is_linux = $(strip $(TN_GUEST_$(1)_LINUX)$(TN_GUEST_$(1)_IMAGE))
TN_LINUX_GUESTS := $(foreach g,$(TN_GUESTS),$(if $(call tn_guest_is_linux,$(g)),$(g)))
TN_TENON_GUESTS := $(filter-out $(TN_LINUX_GUESTS),$(TN_GUESTS))

# A guest's paths: absolute, or relative to the repository root.
tn_guest_path = $(abspath $(if $(filter /%,$(1)),$(1),$(TN_ROOT)/$(1)))
tn_guest_app = $(call tn_guest_path,$(TN_GUEST_$(1)_APP))
tn_guest_dir = $(O)/guests/$(1)
tn_guest_bin = $(call tn_guest_dir,$(1))/guest.bin
tn_guest_defconfig = $(or $(if $(TN_GUEST_$(1)_DEFCONFIG),$(call tn_guest_path,$(TN_GUEST_$(1)_DEFCONFIG))),$(call tn_guest_app,$(1))/defconfig)
tn_guest_image = $(call tn_guest_dir,$(1))/Image
tn_guest_initramfs = $(call tn_guest_dir,$(1))/initramfs.cpio.gz
tn_guest_dtbo = $(call tn_guest_dir,$(1))/overlay.dtbo
# 'none': a Linux guest without initramfs; a path: the user's own; empty: built.
tn_guest_initramfs_given = $(filter-out none,$(TN_GUEST_$(1)_INITRAMFS))
tn_guest_has_initramfs = $(filter-out none,$(or $(TN_GUEST_$(1)_INITRAMFS),built))
tn_guest_rootfs = $(if $(TN_GUEST_$(1)_ROOTFS),$(foreach r,$(TN_GUEST_$(1)_ROOTFS),$(call tn_guest_path,$(r))),\
	$(wildcard $(APP_DIR)/rootfs))
TN_GUEST_BINS := $(foreach g,$(TN_TENON_GUESTS),$(call tn_guest_bin,$(g)))
TN_LINUX_BLOBS := $(foreach g,$(TN_LINUX_GUESTS),$(call tn_guest_image,$(g)) \
	$(if $(call tn_guest_has_initramfs,$(g)),$(call tn_guest_initramfs,$(g))) \
	$(if $(TN_GUEST_$(g)_DT_OVERLAY),$(call tn_guest_dtbo,$(g))))

$(foreach g,$(TN_TENON_GUESTS),$(if $(TN_GUEST_$(g)_APP),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)' has no TN_GUEST_$(g)_APP (its application directory), \
	TN_GUEST_$(g)_LINUX (stock or rt) or TN_GUEST_$(g)_IMAGE (a Linux kernel Image))))
$(foreach g,$(TN_TENON_GUESTS),$(if $(wildcard $(call tn_guest_app,$(g))/Makefile),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': $(TN_GUEST_$(g)_APP) is not an application directory (no Makefile))))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(TN_GUEST_$(g)_APP),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)' is a Linux kernel and a Tenon application; keep TN_GUEST_$(g)_APP or TN_GUEST_$(g)_LINUX/_IMAGE, not both)))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(and $(TN_GUEST_$(g)_MODULES),$(TN_GUEST_$(g)_IMAGE)),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_MODULES come from Debian's kernel .deb; with your own _IMAGE put its modules in a _ROOTFS overlay (lib/modules/NAME.ko and lib/modules/load-order))))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(and $(TN_GUEST_$(g)_LINUX),$(TN_GUEST_$(g)_IMAGE)),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_LINUX and TN_GUEST_$(g)_IMAGE both name a kernel; keep one)))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(filter-out stock rt,$(TN_GUEST_$(g)_LINUX)),\
	$(error $(APP_DIR)/guests.mk: TN_GUEST_$(g)_LINUX = $(TN_GUEST_$(g)_LINUX): write stock or rt (Debian's kernel flavours))))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(TN_GUEST_$(g)_IMAGE),$(if $(wildcard $(call tn_guest_path,$(TN_GUEST_$(g)_IMAGE))),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_IMAGE $(TN_GUEST_$(g)_IMAGE) does not exist))))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(filter-out y n,$(TN_GUEST_$(g)_IVC_TOOL)),\
	$(error $(APP_DIR)/guests.mk: TN_GUEST_$(g)_IVC_TOOL = $(TN_GUEST_$(g)_IVC_TOOL): write y (or leave it out))))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(and $(filter y,$(TN_GUEST_$(g)_IVC_TOOL)),$(TN_GUEST_$(g)_INITRAMFS)),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_IVC_TOOL goes into the initramfs this build makes; with your own _INITRAMFS put support/ivc-linux's ivc-tool in it yourself)))
$(foreach g,$(TN_LINUX_GUESTS),$(foreach v,$(filter TN_GUEST_$(g)_MODULE_ARGS_%,$(.VARIABLES)),\
	$(if $(filter $(v:TN_GUEST_$(g)_MODULE_ARGS_%=%),$(TN_GUEST_$(g)_MODULES)),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': $(v) names no module of TN_GUEST_$(g)_MODULES; add it there (or fix the name)))))
$(foreach g,$(TN_TENON_GUESTS),$(if $(TN_GUEST_$(g)_IVC_TOOL)$(TN_GUEST_$(g)_MODULES),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_IVC_TOOL and _MODULES are for Linux guests; remove them)))
$(foreach g,$(TN_TENON_GUESTS),$(if $(TN_GUEST_$(g)_DT_OVERLAY),\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_DT_OVERLAY is for Linux guests (a Tenon guest's tree is not extended); remove it)))
$(foreach g,$(TN_LINUX_GUESTS),$(if $(TN_GUEST_$(g)_DT_OVERLAY),$(if $(wildcard $(call tn_guest_path,$(TN_GUEST_$(g)_DT_OVERLAY))),,\
	$(error $(APP_DIR)/guests.mk: guest '$(g)': TN_GUEST_$(g)_DT_OVERLAY $(TN_GUEST_$(g)_DT_OVERLAY) does not exist))))

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

# TN_SHARED_BUILDS=dir (environment; make test sets it, docs/testing.md): the
# Tenon guests of one application are built in one directory under dir by every
# image that embeds one, one guest at a time (flock), each guest reconfigured
# there with its own defconfig and CONFIG; the build recompiles only what that
# configuration changes (the per-option dependencies of framework/incremental),
# so guest.bin is the one the guest's own directory would hold. Its outputs are
# then copied into the guest's directory (guest.bin only when its bytes change);
# a guest configured otherwise than the last one there relinks (.guest-key), so
# the directory holds one image, this guest's, whatever platform it names.
# The directory's name hashes what else reaches the guest's make: the tree, the
# application, the toolchain and this make's command-line variables.
TN_SHARED_BUILDS_DIR := $(if $(strip $(TN_SHARED_BUILDS)),$(abspath $(strip $(TN_SHARED_BUILDS))))
tn_shared_key = $(shell printf '%s' '$(subst ','\'',$(1))' | sha1sum | cut -c1-16)
tn_guest_shared = $(TN_SHARED_BUILDS_DIR)/guests/$(notdir $(call tn_guest_app,$(1)))-$(call tn_shared_key,\
	$(TN_ROOT) $(call tn_guest_app,$(1)) $(CROSS_COMPILE) $(HOSTCXX) \
	$(filter-out O=% C=% DEFCONFIG=% TN_ROOT=% TN_GUEST_IMAGE=% SET=%,$(MAKEOVERRIDES)))
define tn_guest_rules_shared
$(call tn_guest_bin,$(1)): FORCE
	$$(call tn_echo,GUEST,$(1): build $(TN_GUEST_$(1)_APP) in $$(call tn_short,$(2)))
	@mkdir -p $(call tn_guest_dir,$(1)) $(2)
	$(Q)( flock 9 && \
	{ [ "$$$$(cat $(2)/.guest-key 2>/dev/null)" = $(3) ] || \
		rm -f $(2)/.guest-key $(2)/*.elf $(2)/*.bin $(2)/*.map $(2)/*.sizes; } && \
	$$(MAKE) -s -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) O=$(2) \
		DEFCONFIG=$(call tn_guest_defconfig,$(1)) defconfig >/dev/null && \
	$(if $(strip $(TN_GUEST_$(1)_CONFIG)),$$(MAKE) -s -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) \
		O=$(2) setconfig SET="$(TN_GUEST_$(1)_CONFIG)" >/dev/null && ) \
	$$(MAKE) -C $(call tn_guest_app,$(1)) TN_ROOT=$(TN_ROOT) O=$(2) TN_GUEST_IMAGE=$(2)/guest.bin all && \
	echo $(3) >$(2)/.guest-key && rm -f $(call tn_guest_dir,$(1))/*.elf && \
	cp -p $(2)/.config $(2)/*.elf $(2)/*.map $(2)/*.sizes $(call tn_guest_dir,$(1))/ && \
	for f in $(2)/*.bin; do cmp -s $$$$f $(call tn_guest_dir,$(1))/$$$${f##*/} || \
		cp $$$$f $(call tn_guest_dir,$(1))/ || exit 1; done ) 9>$(2).lock
endef
$(foreach g,$(TN_TENON_GUESTS),$(eval $(if $(TN_SHARED_BUILDS_DIR),\
	$(call tn_guest_rules_shared,$(g),$(call tn_guest_shared,$(g)),$(call tn_shared_key,\
	$(call tn_guest_defconfig,$(g)) $(TN_GUEST_$(g)_CONFIG))),$(call tn_guest_rules,$(g)))))

tn_comma := ,
tn_space := $(subst ,, )
# $(1) = Linux guest name. The manifest of scripts/linux-artifacts (KEY=VALUE) is
# asked for at every make: with a warm cache it touches no network (~0.1 s) and
# is rewritten only when it changes. Offline with an empty cache the script
# exits 3 after naming the command that fetches. The Image is a symbolic link
# into the cache (33 MB not copied); the initramfs is rewritten only when its
# bytes change, so nothing downstream rebuilds needlessly.
define tn_linux_guest_rules
$(call tn_guest_dir,$(1))/linux.mk: FORCE
	@mkdir -p $$(@D)
	$(Q)$(TN_ROOT)/scripts/linux-artifacts $(if $(filter rt,$(TN_GUEST_$(1)_LINUX)),--rt) \
		$(if $(TN_GUEST_$(1)_MODULES),--modules $(subst $(tn_space),$(tn_comma),$(strip $(TN_GUEST_$(1)_MODULES))) \
		--modules-into $(call tn_guest_dir,$(1))/modules) >$$@.new || { rc=$$$$?; rm -f $$@.new; \
		echo "make: guest '$(1)': no Debian kernel for it (scripts/linux-artifacts exited $$$$rc); see docs/linux-guest.md" >&2; exit 1; }
	$(Q)if cmp -s $$@.new $$@; then rm -f $$@.new; else mv $$@.new $$@; fi

$(call tn_guest_image,$(1)): $(if $(TN_GUEST_$(1)_LINUX),$(call tn_guest_dir,$(1))/linux.mk,$(call tn_guest_path,$(TN_GUEST_$(1)_IMAGE))) FORCE
	$(Q)src=$(if $(TN_GUEST_$(1)_LINUX),$$$$(sed -n 's/^LINUX_IMAGE=//p' $$<),$(call tn_guest_path,$(TN_GUEST_$(1)_IMAGE))); \
		if [ "$$$$(readlink $$@ 2>/dev/null)" != "$$$$src" ]; then \
		$(if $(Q),printf '  %-8s %s\n' LINUX "$(1): $$$$src";) ln -sfn "$$$$src" $$@; fi

endef

# $(1) = Linux guest name: its initramfs is the user's own file (a link to it) ...
define tn_linux_initramfs_given
$(call tn_guest_initramfs,$(1)): $(call tn_guest_path,$(TN_GUEST_$(1)_INITRAMFS)) FORCE
	$(Q)if [ "$$$$(readlink $$@ 2>/dev/null)" != "$$<" ]; then ln -sfn "$$<" $$@; fi
endef

# ... or built from busybox and the rootfs overlays, the modules, their
# parameters and ivc-tool.
define tn_linux_initramfs_built
$(call tn_guest_initramfs,$(1)): $(if $(TN_GUEST_$(1)_LINUX),$(call tn_guest_dir,$(1))/linux.mk) \
		$(if $(call tn_guest_has_ivc_tool,$(1)),$(call tn_guest_ivc_tool,$(1))) FORCE
	$$(call tn_echo,INITRAMFS,$$(call tn_short,$$@))
	$(Q)$(PYTHON) $(TN_ROOT)/scripts/linux-initramfs \
		$(if $(TN_GUEST_$(1)_LINUX),--busybox "$$$$(sed -n 's/^BUSYBOX=//p' $(call tn_guest_dir,$(1))/linux.mk)") \
		$(foreach r,$(call tn_guest_rootfs,$(1)),--rootfs $(r)) \
		$(if $(TN_GUEST_$(1)_MODULES),--rootfs $(call tn_guest_dir,$(1))/modules) \
		$(if $(call tn_guest_module_args,$(1)),--rootfs $(call tn_guest_dir,$(1))/module-args) \
		$(if $(call tn_guest_has_ivc_tool,$(1)),--rootfs $(call tn_guest_dir,$(1))/ivc-tool) -o $$@
endef

# $(1) = Linux guest name: the modules given parameters (TN_GUEST_<name>_MODULE_ARGS_<module>);
# each one's lib/modules/<module>.args is written when its text changes, and
# the directory holds no other file.
tn_guest_module_args = $(strip $(foreach m,$(TN_GUEST_$(1)_MODULES),$(if $(strip $(TN_GUEST_$(1)_MODULE_ARGS_$(m))),$(m))))
tn_guest_has_ivc_tool = $(filter y,$(TN_GUEST_$(1)_IVC_TOOL))
$(foreach g,$(TN_LINUX_GUESTS),$(foreach m,$(call tn_guest_module_args,$(g)),\
	$(eval TN_MODARGS_$(g)_$(m) := $(strip $(TN_GUEST_$(g)_MODULE_ARGS_$(m))))\
	$(eval $(call tn_write_if_changed,$(call tn_guest_dir,$(g))/module-args/lib/modules/$(m).args,TN_MODARGS_$(g)_$(m))))\
	$(foreach f,$(wildcard $(call tn_guest_dir,$(g))/module-args/lib/modules/*.args),\
	$(if $(filter $(notdir $(f:.args=)),$(call tn_guest_module_args,$(g))),,$(shell rm -f $(f)))))

# $(1) = Linux guest name: ivc-tool, static for arm64 Linux (support/ivc-linux/Makefile),
# in an overlay of its own; its make rebuilds only what changed.
tn_guest_ivc_tool = $(call tn_guest_dir,$(1))/ivc-tool/bin/ivc-tool
define tn_linux_ivc_tool
$(call tn_guest_ivc_tool,$(1)): FORCE
	$(Q)$$(MAKE) -s -C $(TN_ROOT)/support/ivc-linux TN_ROOT=$(TN_ROOT) Q=$(Q) \
		OUT=$$@ OBJ=$(call tn_guest_dir,$(1))/ivc-tool-obj
endef
# $(1) = Linux guest name: its overlay source compiled (dtc's own errors name file:line).
define tn_linux_dt_overlay
$(call tn_guest_dtbo,$(1)): $(call tn_guest_path,$(TN_GUEST_$(1)_DT_OVERLAY)) $(APP_DIR)/guests.mk
	$$(call tn_need_tool,dtc,device-tree-compiler)
	$$(call tn_echo,DTC,$$(call tn_short,$$@))
	@mkdir -p $$(@D)
	$(Q)dtc -q -I dts -O dtb -o $$@ $$< || { rm -f $$@; exit 1; }
endef
$(foreach g,$(TN_LINUX_GUESTS),$(if $(TN_GUEST_$(g)_DT_OVERLAY),$(eval $(call tn_linux_dt_overlay,$(g)))))

$(foreach g,$(TN_LINUX_GUESTS),$(if $(call tn_guest_has_ivc_tool,$(g)),$(eval $(call tn_linux_ivc_tool,$(g)))))
$(foreach g,$(TN_LINUX_GUESTS),$(eval $(call tn_linux_guest_rules,$(g))) \
	$(if $(call tn_guest_initramfs_given,$(g)),$(eval $(call tn_linux_initramfs_given,$(g))),\
	$(if $(call tn_guest_has_initramfs,$(g)),$(eval $(call tn_linux_initramfs_built,$(g))))))

# The build-time check of the description (support/tools/partcheck, from
# mortise-host), with the names of the images this host embeds. A problem fails
# the build with file:line: node: reason. It checks against QEMU virt as 'make run'
# boots it, unless the board's device tree is named (docs/mortise.md, "Checking
# against a board"): by a board platform's Makefile.uk (under its CONFIG_ guard),
# the application's Makefile or the command line:
#   TN_PARTCHECK_DTB := board.dtb     partcheck --board-dtb: RAM, CPUs, the GIC frames
#                                     and console UART Mortise keeps, DMA-capable
#                                     devices all come from the board's tree
#   TN_PARTCHECK_RAM := BASE:SIZE ... its RAM banks, when the tree has no /memory
#                                     (a kernel's tree: U-Boot adds it at boot)
#   TN_PARTCHECK_RESERVE := BASE:SIZE ...  what Mortise occupies there (default: the
#                                     first 16 MiB of the first RAM bank, more with
#                                     embedded Linux guests)
# Relative paths are from the application's directory.
PARTCHECK_O := $(O)/host/partcheck
ifeq ($(TN_SHARED_BUILDS_DIR),)
include $(TN_ROOT)/support/tools/partcheck/partcheck.mk
else
# With TN_SHARED_BUILDS (above), one partcheck per tree and host compiler serves
# every image; its make runs each time (one at a time) and relinks only when a
# source changed. PARTCHECK_O keeps this image's .args.
PARTCHECK_SHARED_O := $(TN_SHARED_BUILDS_DIR)/partcheck-$(call tn_shared_key,$(TN_ROOT) $(or $(HOSTCXX),g++))
PARTCHECK := $(PARTCHECK_SHARED_O)/partcheck
$(PARTCHECK): FORCE
	@mkdir -p $(PARTCHECK_SHARED_O)
	$(Q)flock $(PARTCHECK_SHARED_O).lock $(MAKE) -C $(TN_ROOT)/support/tools/partcheck O=$(PARTCHECK_SHARED_O)
endif
TN_PARTCHECK_DTB_PATH := $(if $(strip $(TN_PARTCHECK_DTB)),$(abspath $(strip $(TN_PARTCHECK_DTB))))
TN_HYP_BOARD_ARGS := $(if $(TN_PARTCHECK_DTB_PATH),--board-dtb $(TN_PARTCHECK_DTB_PATH) \
		$(foreach r,$(TN_PARTCHECK_RAM),--ram $(r)),\
	--ram-size $(TN_HYP_QEMU_MEM) --cpus $(TN_HYP_QEMU_SMP))
# --max-cpus: CPUs beyond the image's TN_MAX_CPUS are left off at boot, so a
# guest given one must fail here, not be refused at boot.
TN_HYP_CHECK_ARGS := $(TN_HYP_BOARD_ARGS) $(foreach r,$(TN_PARTCHECK_RESERVE),--reserve $(r)) \
	$(if $(CONFIG_TN_MAX_CPUS),--max-cpus $(CONFIG_TN_MAX_CPUS)) \
	$(if $(CONFIG_MORTISE_LLC_COLORS),--colors $(CONFIG_MORTISE_LLC_COLORS)) \
	$(if $(CONFIG_MORTISE_MODE2),--mode2 y) \
	$(if $(CONFIG_TN_IMAGE_COMBINED)$(TN_HYP_MODULES),--images $(subst $(TN_SPACE),$(TN_COMMA),$(strip $(TN_GUESTS)))) \
	$(foreach g,$(TN_LINUX_GUESTS),--linux $(g)=$(call tn_guest_image,$(g)) \
		$(if $(call tn_guest_has_initramfs,$(g)),--initramfs $(g)=$(call tn_guest_initramfs,$(g))) \
		$(if $(TN_GUEST_$(g)_DT_OVERLAY),--dt-overlay $(g)=$(call tn_guest_dtbo,$(g))))
# Embedded Linux Images make Mortise's own image large: QEMU loads it 2 MiB into
# RAM, so partcheck reserves 16 MiB for Mortise plus what is embedded (on a board,
# at its first RAM bank, where U-Boot loads it) unless TN_PARTCHECK_RESERVE says.
TN_HYP_RESERVE_SIZE = $$(( (18 << 20) + $$(cat $(TN_LINUX_BLOBS) | wc -c) ))
TN_HYP_RESERVE = $(if $(TN_PARTCHECK_RESERVE)$(if $(TN_LINUX_BLOBS),,none),,$(if $(TN_PARTCHECK_DTB_PATH),\
	--reserve-size $(TN_HYP_RESERVE_SIZE),--reserve 0x40000000:$(TN_HYP_RESERVE_SIZE)))

ifneq ($(wildcard $(TN_HYP_DTS)),)
# The check runs again when its arguments change (a new TN_MAX_CPUS, say).
$(eval $(call tn_write_if_changed,$(PARTCHECK_O)/.args,TN_HYP_CHECK_ARGS))
$(TN_HYP_DTB): $(TN_HYP_DTS) $(PARTCHECK) $(PARTCHECK_O)/.args \
		$(if $(wildcard $(APP_DIR)/guests.mk),$(APP_DIR)/guests.mk) $(TN_LINUX_BLOBS) \
		$(wildcard $(TN_PARTCHECK_DTB_PATH))
	$(call tn_need_tool,dtc,device-tree-compiler)
	$(if $(TN_PARTCHECK_DTB_PATH),$(if $(wildcard $(TN_PARTCHECK_DTB_PATH)),,\
		@echo "TN_PARTCHECK_DTB: $(TN_PARTCHECK_DTB_PATH) does not exist (the board's device tree the partition description is checked against)" >&2; rm -f $@; exit 1))
	$(call tn_echo,DTC,$(call tn_short,$@))
	$(Q)dtc -q -I dts -O dtb -o $@ $<
	$(call tn_echo,PARTCHECK,$(patsubst $(TN_ROOT)/%,%,$<))
	$(Q)$(PARTCHECK) --dtb $@ --source $< $(TN_HYP_CHECK_ARGS) $(TN_HYP_RESERVE) || { rm -f $@; exit 1; }
TN_HYP_BLOB := $(TN_HYP_DTB)
# Checked before the rest is compiled (make takes a goal's prerequisites in
# order, and image.mk's come after these): a bad description fails at once.
all: $(TN_HYP_DTB)
else
TN_HYP_BLOB :=
endif

TN_HYP_IMAGE_ARGS := $(if $(TN_HYP_MODULES),,$(foreach g,$(TN_TENON_GUESTS),$(g)=$(call tn_guest_bin,$(g))) \
	$(foreach g,$(TN_LINUX_GUESTS),linux:$(g)=$(call tn_guest_image,$(g)) \
		$(if $(call tn_guest_has_initramfs,$(g)),initramfs:$(g)=$(call tn_guest_initramfs,$(g))) \
		$(if $(TN_GUEST_$(g)_DT_OVERLAY),dt-overlay:$(g)=$(call tn_guest_dtbo,$(g)))))
TN_HYP_S_TEXT := $(TN_HYP_IMAGE_ARGS)|$(TN_HYP_BLOB)
$(eval $(call tn_write_if_changed,$(O)/images/.list,TN_HYP_S_TEXT))

$(TN_HYP_IMAGES_S): $(TN_ROOT)/support/scripts/hypimages.py $(O)/images/.list
	$(call tn_echo,GEN,$(call tn_short,$@))
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/hypimages.py $@ "$(TN_HYP_BLOB)" $(TN_HYP_IMAGE_ARGS)

$(TN_HYP_IMAGES_O): $(TN_HYP_IMAGES_S) $(if $(TN_HYP_MODULES),,$(TN_GUEST_BINS) $(TN_LINUX_BLOBS)) $(TN_HYP_BLOB)
	@mkdir -p $(@D)
	$(call tn_echo,AS,$(call tn_short,$@))
	$(Q)$(CC) $(TN_COMMON_FLAGS) $(TN_ASFLAGS) -c $< -o $@

TN_PARTIALS += $(TN_HYP_IMAGES_O)
endif

FORCE:
.PHONY: FORCE
