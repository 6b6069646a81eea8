# TenonOS application build. An application's Makefile is two lines:
#
#   TN_ROOT ?= $(abspath $(CURDIR)/../..)
#   include $(TN_ROOT)/support/make/app.mk
#
# Command-line variables (relative paths are taken from the application
# directory, i.e. the directory given to make -C):
#   O=dir          build directory (default: <app>/build)
#   C=file         configuration file (default: $(O)/.config)
#   L=d1:d2        external library directories (each holds Config.uk + Makefile.uk);
#                  remembered in the build directory, L= with nothing drops them
#   DEFCONFIG=f    defconfig for 'make defconfig' (default: <app>/defconfig)
#   V=1            print full commands
#   TN_NO_DWARF=1  compile without -g (what make test builds; not for make gdb)
#
# Run 'make help' in an application directory for the targets.

TN_ROOT := $(abspath $(TN_ROOT))
APP_DIR := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
APP_NAME ?= $(notdir $(APP_DIR))

tn_abspath = $(foreach p,$(1),$(if $(filter /%,$(p)),$(abspath $(p)),$(abspath $(APP_DIR)/$(p))))

O ?= build
override O := $(call tn_abspath,$(O))
C ?= $(O)/.config
override C := $(call tn_abspath,$(C))
DEFCONFIG ?= $(APP_DIR)/defconfig
override DEFCONFIG := $(call tn_abspath,$(DEFCONFIG))
# L= is remembered in the build directory: later commands there use the same
# external libraries until L= is given again (an empty L= drops them).
TN_EXT_FILE := $(O)/.ext-libs
ifeq ($(origin L),command line)
TN_EXT_DIRS := $(call tn_abspath,$(subst :, ,$(L)))
ifneq ($(strip $(file <$(TN_EXT_FILE))),$(strip $(TN_EXT_DIRS)))
$(shell mkdir -p $(O))
$(file >$(TN_EXT_FILE),$(TN_EXT_DIRS))
endif
else
TN_EXT_DIRS := $(strip $(if $(wildcard $(TN_EXT_FILE)),$(file <$(TN_EXT_FILE))))
endif

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif
export Q

# Prints a Kbuild-style short line unless V=1: $(call tn_echo,TAG,what)
tn_echo = $(if $(Q),@printf '  %-8s %s\n' '$(1)' '$(2)')
tn_short = $(patsubst obj/%,%,$(patsubst $(O)/%,%,$(1)))

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# Goals that need neither a configuration nor the cross toolchain.
TN_NOCONFIG_GOALS := help clean distclean menuconfig defconfig olddefconfig savedefconfig \
	listnewconfig setconfig checkconfig
TN_BUILD_GOALS := $(filter-out $(TN_NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(TN_BUILD_GOALS),)
ifneq ($(filter $(TN_NOCONFIG_GOALS),$(MAKECMDGOALS)),)
$(error do not mix configuration goals ($(filter $(TN_NOCONFIG_GOALS),$(MAKECMDGOALS))) with build goals ($(TN_BUILD_GOALS)): run them as two make commands)
endif
endif

include $(TN_ROOT)/support/make/toolchain.mk
include $(TN_ROOT)/support/make/config.mk
include $(TN_ROOT)/support/make/libs.mk
include $(TN_ROOT)/support/make/programs.mk
include $(TN_ROOT)/support/make/hypervisor.mk
include $(TN_ROOT)/support/make/image.mk
include $(TN_ROOT)/support/make/debug.mk
include $(TN_ROOT)/support/make/uboot.mk
include $(TN_ROOT)/support/make/symbolize.mk

help:
	@echo 'TenonOS application $(APP_NAME) ($(APP_DIR))'
	@echo
	@echo 'Build:'
	@echo '  all (default)    build $(O)/<app>_<platform>.{elf,bin,map,sizes}'
	@echo '  run              build, then boot the image in qemu-system-aarch64'
	@echo '                   (QEMU_* variables below)'
	@echo '  uboot-image      build, then what U-Boot boots into O/uboot/: Image (booti), image.itb (FIT),'
	@echo '                   boot.scr, extlinux/extlinux.conf and disk.img (MBR + FAT) (docs/u-boot.md)'
	@echo '  run-uboot        uboot-image, then boot disk.img in QEMU through Debian'"'"'s U-Boot'
	@echo '                   (the machine of run: QEMU_* variables; UBOOT_* below)'
	@echo '  gdb              build, boot halted under QEMU'"'"'s gdb stub, attach gdb-multiarch'
	@echo '                   with the symbols where the image runs (docs/debugging.md)'
	@echo '  debug            build, boot halted with the gdb stub, print how to attach'
	@echo '  gdb-attach       only gdb-multiarch, attached to a running make debug'
	@echo '  symbolize LOG=f  print a captured console log with <function+0xoffset> after every'
	@echo '                   image address and the source line of a fault report'"'"'s PC and LR'
	@echo '  programs         only the programs (apps/<app>/programs/<name>/, with CONFIG_LIBPROCESS):'
	@echo '                   O/programs/<name>.elf, EL0 executables that all embeds in the image'
	@echo '                   (docs/processes.md)'
	@echo '  sizes            print text/data/bss per library'
	@echo '  print-libs       list the enabled libraries and what enabled each'
	@echo '  clean            remove objects and images, keep the configuration'
	@echo '  distclean        remove the whole build directory'
	@echo
	@echo 'Configuration (Kconfiglib):'
	@echo '  menuconfig       interactive menu over the whole library tree'
	@echo '  defconfig        new configuration from DEFCONFIG (default: <app>/defconfig)'
	@echo '  olddefconfig     update the configuration, new symbols get their defaults'
	@echo '  savedefconfig    write a minimal defconfig back to <app>/defconfig'
	@echo '  listnewconfig    list symbols the configuration does not set yet'
	@echo '  checkconfig      check the configuration strictly (every build does this too)'
	@echo '  setconfig        set options from the command line: make setconfig SET="FOO=y BAR=3"'
	@echo
	@echo 'Variables (every one; default in brackets):'
	@echo '  O=dir            build directory [$(APP_DIR)/build]'
	@echo '  C=file           configuration file [O/.config]'
	@echo '  DEFCONFIG=file   defconfig for defconfig [<app>/defconfig]'
	@echo '  L=dir1:dir2      external library directories, remembered in O (L= drops them)'
	@echo '  CROSS_COMPILE=p  cross toolchain prefix [$(TN_DEFAULT_CROSS_COMPILE)]'
	@echo '  HOSTCXX=c++      host compiler for build tools [g++]'
	@echo '  V=1              print full commands'
	@echo '  TN_NO_DWARF=1    compile without -g, whatever TN_DEBUG_SYMBOLS says (faster; no make gdb)'
	@echo '  QEMU_EL2=1       enter at EL2 [1 for Mortise images, else 0]'
	@echo '  QEMU_GIC=2|3     GIC version [3 for Mortise images, else 2]'
	@echo '  QEMU_SMP=N       CPUs [the partition description'"'"'s for Mortise images, else 1]'
	@echo '  QEMU_ICOUNT=1    instruction-counted time (-icount shift=4) [0]'
	@echo '  QEMU_TIMEOUT=S   kill QEMU after S seconds, exit 124 [0: none]'
	@echo '  QEMU_KERNEL=f    image to boot [O/<app>_<platform>.bin]'
	@echo '  QEMU_FLAGS=...   extra qemu-system-aarch64 arguments'
	@echo '  QEMU_LOAD_ADDR=A load the raw image at A instead of QEMU -kernel'"'"'s placement [-kernel]'
	@echo '  QEMU_GDB_PORT=P  gdb stub port on 127.0.0.1, or HOST:PORT [1234]'
	@echo '  QEMU_GDB_WAIT=0  gdb/debug: let the image run instead of halting at reset [1]'
	@echo '  GUEST=name       gdb/debug/gdb-attach: that guest'"'"'s symbols (combined images)'
	@echo '  GDB=cmd          debugger [gdb-multiarch]'
	@echo '  GDB_FLAGS=...    extra gdb arguments (after the generated script)'
	@echo '  UBOOT_DTB=file   uboot-image: a device tree for the FIT and the disk (a board'"'"'s) [none:'
	@echo '                   the one U-Boot runs on]'
	@echo '  UBOOT_BOOT=b     run-uboot: extlinux (extlinux.conf, booti) or script (boot.scr, FIT) [extlinux]'
	@echo '  UBOOT_BIOS=file  run-uboot: U-Boot for QEMU virt [/usr/lib/u-boot/qemu_arm64/u-boot.bin]'
	@echo '  LOG=file         symbolize: the console log to annotate'
	@echo '  SYMBOLIZE_ELF=f  symbolize: the ELF [this build'"'"'s image], e.g. a guest'"'"'s'

clean:
	$(call tn_echo,CLEAN,$(call tn_short,$(O)))
	$(Q)rm -rf $(O)/obj $(O)/libs $(O)/host $(O)/*.elf $(O)/*.bin $(O)/*.map $(O)/*.sizes $(O)/uboot $(O)/programs

distclean:
	$(call tn_echo,CLEAN,$(O))
	$(Q)rm -rf $(O)

.PHONY: help clean distclean
