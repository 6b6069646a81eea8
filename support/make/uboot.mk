# make uboot-image / run-uboot: what U-Boot boots, for any image kind
# (docs/u-boot.md). Included after image.mk: reuses TN_IMAGE and the QEMU_*
# variables.
#
# $(O)/uboot/ holds, built from the image's .bin:
#   Image                   the image itself (Linux arm64 Image header): U-Boot booti
#   image.its, image.itb    a FIT holding the Image (type kernel_noload: bootm moves it
#                           to a 2 MiB boundary of the board's RAM) and, with
#                           UBOOT_DTB=file, that device tree; configuration $(APP_NAME)
#   boot.cmd, boot.scr      a boot script: loads image.itb, bootm
#   extlinux/extlinux.conf  U-Boot's distro boot (sysboot): the Image with booti
#   disk.img                a raw disk: MBR, one bootable FAT partition from 1 MiB
#                           holding all of the above; made without root
#                           (sfdisk, mkfs.vfat --offset, mtools)
# Without UBOOT_DTB, the image gets the board's device tree: boot.scr passes
# U-Boot's copy (fdtcontroladdr), extlinux.conf leaves it to U-Boot (fdt_addr, or
# its copy); on QEMU both are the machine's own tree, GIC and EL included.
#
#   UBOOT_DTB=file     a device tree to put into the FIT and onto the disk (a board's)
#   UBOOT_BOOT=extlinux|script  run-uboot: what U-Boot boots from the disk [extlinux]
#   UBOOT_BIOS=file    run-uboot: U-Boot for QEMU virt [Debian's u-boot-qemu]

UBOOT_DTB ?=
UBOOT_BOOT ?= extlinux
UBOOT_BIOS ?= /usr/lib/u-boot/qemu_arm64/u-boot.bin

ifeq ($(TN_CONFIG_LOADED),y)
TN_UBOOT := $(O)/uboot
TN_UBOOT_DTB := $(if $(UBOOT_DTB),$(call tn_abspath,$(UBOOT_DTB)))
ifneq ($(TN_UBOOT_DTB),)
ifeq ($(wildcard $(TN_UBOOT_DTB)),)
$(error UBOOT_DTB=$(UBOOT_DTB): $(TN_UBOOT_DTB) does not exist (a compiled device tree, .dtb))
endif
endif
TN_UBOOT_FILES := $(TN_UBOOT)/Image $(TN_UBOOT)/image.itb $(TN_UBOOT)/boot.scr \
	$(TN_UBOOT)/extlinux/extlinux.conf $(if $(TN_UBOOT_DTB),$(TN_UBOOT)/board.dtb)

# A Mortise hypervisor image with a guests.mk (support/make/hypervisor.mk): its
# boot modules, each kind:name:file:disk-name, copied to the disk's /mortise/;
# boot.scr loads each and names it in /chosen (docs/mortise.md "Boot modules").
# The partition description goes first; its name is unused ("-").
# TN_GUEST_<name>_MODULE := file (guests.mk) puts that file on the disk as the
# guest's kernel instead of its build: one built elsewhere, or a damaged copy
# (test/apps/mortise-bad-modules).
tn_uboot_kernel = $(or $(TN_GUEST_$(1)_MODULE),$(2))
TN_UBOOT_MODULES := $(if $(TN_HYP_MODULES),$(if $(TN_HYP_BLOB),partitions:-:$(TN_HYP_BLOB):partitions.dtb) \
	$(foreach g,$(TN_TENON_GUESTS),tenon:$(g):$(call tn_uboot_kernel,$(g),$(call tn_guest_bin,$(g))):$(g).bin) \
	$(foreach g,$(TN_LINUX_GUESTS),linux:$(g):$(call tn_uboot_kernel,$(g),$(call tn_guest_image,$(g))):$(g).Image \
		$(if $(call tn_guest_has_initramfs,$(g)),initramfs:$(g):$(call tn_guest_initramfs,$(g)):$(g).cpio.gz) \
		$(if $(TN_GUEST_$(g)_DT_OVERLAY),dt-overlay:$(g):$(call tn_guest_dtbo,$(g)):$(g).dtbo)))
tn_uboot_mod = $(word $(2),$(subst :, ,$(1)))
TN_UBOOT_MODULE_FILES := $(foreach m,$(TN_UBOOT_MODULES),$(call tn_uboot_mod,$(m),3))

# make run (and debug) of such an image, without U-Boot: QEMU's generic loader puts
# the same files in RAM and scripts/qemu-run names them in /chosen (--module).
TN_QEMU_MODULE_ARGS := $(foreach m,$(TN_UBOOT_MODULES),--module $(call tn_uboot_mod,$(m),1):$(call \
	tn_uboot_mod,$(m),2):$(call tn_uboot_mod,$(m),3))
ifneq ($(TN_UBOOT_MODULES),)
run debug gdb: $(TN_UBOOT_MODULE_FILES)
endif

# $(call tn_need_sbin,command,debian-package): like tn_need_tool, for tools in
# /usr/sbin, which a user's PATH may lack.
tn_sbin = $(or $(shell command -v $(1) 2>/dev/null),$(firstword $(wildcard /usr/sbin/$(1) /sbin/$(1))))
tn_need_sbin = $(if $(call tn_sbin,$(1)),,$(error $(1) not found. \
	Install it with: $(TN_SUDO)apt-get install $(2)   (or run 'make deps' in $(TN_ROOT) as root)))
tn_uboot_tools = $(call tn_need_tool,mkimage,u-boot-tools)$(call tn_need_sbin,sfdisk,fdisk)$(call \
	tn_need_sbin,mkfs.vfat,dosfstools)$(call tn_need_tool,mcopy,mtools)$(call tn_need_tool,mmd,mtools)

# What the generated files say depends on these: rewritten when they change
# (only by the goals that write uboot/, so other builds leave no uboot/ behind).
TN_UBOOT_SETTINGS := $(APP_NAME)|$(TN_UBOOT_DTB)|$(notdir $(TN_IMAGE))|$(TN_UBOOT_MODULES)
ifneq ($(filter uboot-image run-uboot $(TN_UBOOT)/%,$(MAKECMDGOALS)),)
$(eval $(call tn_write_if_changed,$(TN_UBOOT)/.settings,TN_UBOOT_SETTINGS))
endif

uboot-image: all $(TN_UBOOT)/disk.img
	@echo '  U-Boot   $(call tn_short,$(TN_UBOOT))/: Image image.itb boot.scr extlinux/extlinux.conf disk.img'

$(TN_UBOOT)/Image: $(TN_IMAGE).bin
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(TN_UBOOT)/board.dtb: $(TN_UBOOT_DTB)
	@mkdir -p $(@D)
	$(Q)cp $< $@

# The FIT. The configuration carries the device tree only when one is given.
define TN_UBOOT_ITS
/dts-v1/;
/ {
	description = "TenonOS $(APP_NAME) (make uboot-image)";
	#address-cells = <1>;
	images {
		image {
			description = "$(notdir $(TN_IMAGE)).bin";
			data = /incbin/("Image");
			type = "kernel_noload";
			arch = "arm64";
			os = "linux";
			compression = "none";
			load = <0>;
			entry = <0>;
			hash { algo = "sha256"; };
		};$(if $(TN_UBOOT_DTB),
		fdt {
			description = "$(notdir $(TN_UBOOT_DTB))";
			data = /incbin/("board.dtb");
			type = "flat_dt";
			arch = "arm64";
			compression = "none";
			hash { algo = "sha256"; };
		};)
	};
	configurations {
		default = "$(APP_NAME)";
		$(APP_NAME) {
			description = "TenonOS $(APP_NAME)";
			kernel = "image";$(if $(TN_UBOOT_DTB),
			fdt = "fdt";)
		};
	};
};
endef

$(TN_UBOOT)/image.its: $(TN_UBOOT)/.settings
	$(shell mkdir -p $(@D))$(file >$@,$(TN_UBOOT_ITS))
	@:

$(TN_UBOOT)/image.itb: $(TN_UBOOT)/image.its $(TN_UBOOT)/Image $(if $(TN_UBOOT_DTB),$(TN_UBOOT)/board.dtb)
	$(tn_uboot_tools)
	$(call tn_echo,MKIMAGE,$(call tn_short,$@))
	$(Q)cd $(@D) && mkimage -q -f image.its $@

# The boot script: U-Boot's distro boot sets devtype, devnum and
# distro_bootpart before it sources boot.scr; by hand, set them first.
#
# With boot modules, the script works on a copy of the device tree (1 MiB at
# ramdisk_addr_r + 48 MiB, clear of where bootm puts the image) and loads the
# modules from ramdisk_addr_r + 64 MiB on, each at a 1 MiB boundary, below 4 GiB.
# A file that does not load leaves filesize 0: its node says size 0 and Mortise
# refuses that module alone. $(1) = kind:name:file:disk-name.
define tn_uboot_module_cmd
setenv filesize 0
load $${devtype} $${devnum}:$${distro_bootpart} $${tn_mod} /mortise/$(call tn_uboot_mod,$(1),4)
fdt mknode /chosen module@$${tn_mod}
fdt set /chosen/module@$${tn_mod} compatible "tenonos,mortise-$(call tn_uboot_mod,$(1),1)" "tenonos,mortise-module"
$(if $(filter-out partitions,$(call tn_uboot_mod,$(1),1)),fdt set /chosen/module@$${tn_mod} tenonos$(TN_COMMA)name "$(call tn_uboot_mod,$(1),2)"
)fdt set /chosen/module@$${tn_mod} reg <0 0x$${tn_mod} 0 0x$${filesize}>
echo "boot.scr: module $(call tn_uboot_mod,$(1),1) $(call tn_uboot_mod,$(1),2) at 0x$${tn_mod}, 0x$${filesize} bytes"
setexpr tn_mod $${tn_mod} + $${filesize}
setexpr tn_mod $${tn_mod} + fffff
setexpr tn_mod $${tn_mod} "&" fff00000

endef
define TN_UBOOT_CMD
# TenonOS $(APP_NAME): U-Boot boot script (make uboot-image; mkimage -T script)
echo "boot.scr: TenonOS $(APP_NAME), image.itb from $${devtype} $${devnum}:$${distro_bootpart}"
load $${devtype} $${devnum}:$${distro_bootpart} $${ramdisk_addr_r} /image.itb
$(if $(TN_UBOOT_MODULES),setexpr tn_fdt $${ramdisk_addr_r} + 3000000
setexpr tn_mod $${ramdisk_addr_r} + 4000000
$(if $(TN_UBOOT_DTB),setexpr tn_board $${ramdisk_addr_r} + 2000000
load $${devtype} $${devnum}:$${distro_bootpart} $${tn_board} /board.dtb
)fdt addr $(if $(TN_UBOOT_DTB),$${tn_board},$${fdtcontroladdr})
fdt move $(if $(TN_UBOOT_DTB),$${tn_board},$${fdtcontroladdr}) $${tn_fdt} 100000
fdt addr $${tn_fdt}
fdt set /chosen "#address-cells" <2>
fdt set /chosen "#size-cells" <2>
$(foreach m,$(TN_UBOOT_MODULES),$(call tn_uboot_module_cmd,$(m)))bootm $${ramdisk_addr_r}#$(APP_NAME) - $${tn_fdt},bootm $${ramdisk_addr_r}#$(APP_NAME)$(if $(TN_UBOOT_DTB),, - $${fdtcontroladdr}))
endef

$(TN_UBOOT)/boot.cmd: $(TN_UBOOT)/.settings
	$(shell mkdir -p $(@D))$(file >$@,$(TN_UBOOT_CMD))
	@:

$(TN_UBOOT)/boot.scr: $(TN_UBOOT)/boot.cmd
	$(tn_uboot_tools)
	$(call tn_echo,MKIMAGE,$(call tn_short,$@))
	$(Q)mkimage -q -A arm64 -O linux -T script -C none -n 'TenonOS $(APP_NAME)' -d $< $@ >/dev/null

# No menu line: with one, U-Boot waits for a choice whatever the timeout.
define TN_UBOOT_EXTLINUX
# TenonOS $(APP_NAME) (make uboot-image): U-Boot's distro boot
default $(APP_NAME)
label $(APP_NAME)
	kernel /Image$(if $(TN_UBOOT_DTB),
	fdt /board.dtb)
endef

$(TN_UBOOT)/extlinux/extlinux.conf: $(TN_UBOOT)/.settings
	$(shell mkdir -p $(@D))$(file >$@,$(TN_UBOOT_EXTLINUX))
	$(call tn_echo,GEN,$(call tn_short,$@))

# The disk: 1 MiB for the MBR (partition from sector 2048), then a FAT
# partition a quarter larger than its files plus 8 MiB. Built in a temporary
# file, renamed when complete.
$(TN_UBOOT)/disk.img: $(TN_UBOOT_FILES) $(TN_UBOOT_MODULE_FILES)
	$(tn_uboot_tools)
	$(call tn_echo,DISK,$(call tn_short,$@))
	$(Q)set -e; tmp=$@.tmp; rm -f $$tmp; \
	bytes=$$(cat $(TN_UBOOT_FILES) $(TN_UBOOT_MODULE_FILES) | wc -c); mib=$$(( bytes * 5 / 4 / 1048576 + 8 )); \
	truncate -s $$(( mib + 1 ))M $$tmp; \
	echo 'start=2048, type=c, bootable' | $(call tn_sbin,sfdisk) -q $$tmp; \
	$(call tn_sbin,mkfs.vfat) --offset 2048 -n TENONOS $$tmp $$(( mib * 1024 )) >/dev/null; \
	mmd -i $$tmp@@1M ::extlinux; \
	mcopy -i $$tmp@@1M $(filter-out %/extlinux.conf,$(TN_UBOOT_FILES)) ::/; \
	mcopy -i $$tmp@@1M $(TN_UBOOT)/extlinux/extlinux.conf ::extlinux/; \
	$(if $(TN_UBOOT_MODULES),mmd -i $$tmp@@1M ::mortise; \
	$(foreach m,$(TN_UBOOT_MODULES),mcopy -i $$tmp@@1M $(call tn_uboot_mod,$(m),3) ::mortise/$(call tn_uboot_mod,$(m),4); \
	))	mv $$tmp $@

# QEMU virt booted through U-Boot from the disk: the machine of 'run'.
run-uboot: uboot-image
	$(call tn_need_tool,qemu-system-aarch64,qemu-system-arm)
	$(Q)$(TN_ROOT)/scripts/qemu-run --uboot $(TN_UBOOT)/disk.img --uboot-boot $(UBOOT_BOOT) \
		--uboot-bios $(UBOOT_BIOS) $(call tn_qemu_machine_args)

else
# First pass: config.mk is being generated; make restarts once it exists.
uboot-image run-uboot:
endif
.PHONY: uboot-image run-uboot
