# make gdb / debug / gdb-attach: boot the image halted under QEMU's gdb stub
# and debug it with gdb-multiarch, symbols loaded where the image really runs
# (docs/debugging.md). Included after image.mk: reuses its QEMU_* variables.
#
#   gdb          build, start QEMU with the gdb stub in the background and
#                gdb-multiarch in the foreground, connected; quitting gdb stops QEMU
#   debug        build, start QEMU with the gdb stub in the foreground (the
#                console as with 'run') and print how to attach any debugger
#   gdb-attach   gdb-multiarch only, connected to a running 'make debug'
#                (builds nothing: the ELF must be the one QEMU runs)
#
#   QEMU_GDB_PORT=1234    the stub's TCP port on 127.0.0.1 (HOST:PORT for another
#                         address, e.g. 0.0.0.0:1234 to reach it from a container)
#   QEMU_GDB_WAIT=1       halt the CPUs at reset until the debugger continues;
#                         0 lets the image run (attach to a hung image later)
#   QEMU_LOAD_ADDR=A      (image.mk, also for run) load the raw image at A
#                         instead of QEMU -kernel's placement; the symbols follow it
#   GUEST=name            combined images: load the symbols of that guest of
#                         partitions.dts instead of Mortise's
#   GDB=gdb-multiarch     the debugger;  GDB_FLAGS=...  more gdb arguments
#                         (e.g. GDB_FLAGS="-ex 'break main' -ex continue")

QEMU_GDB_PORT ?= 1234
QEMU_GDB_WAIT ?= 1
GUEST ?=
GDB ?= gdb-multiarch
GDB_FLAGS ?=

ifeq ($(TN_CONFIG_LOADED),y)
# QEMU virt's RAM starts here whatever the image's configuration says; QEMU
# -kernel places a raw Image relative to it (support/gdb/gdbscript.py).
TN_QEMU_RAM_BASE := 0x40000000
TN_GDB_SCRIPT := $(O)/gdb/$(if $(GUEST),guest-$(GUEST),image).gdb
# gdb connects to the port QEMU listens on; an "any address" stub is reached locally.
TN_GDB_REMOTE := $(if $(findstring :,$(QEMU_GDB_PORT)),$(patsubst 0.0.0.0:%,127.0.0.1:%,$(QEMU_GDB_PORT)),127.0.0.1:$(QEMU_GDB_PORT))

ifneq ($(GUEST),)
ifneq ($(CONFIG_TN_IMAGE_COMBINED),y)
TN_GDB_GUEST_ERROR = $(error GUEST=$(GUEST): only a combined host image (TN_IMAGE_COMBINED) has guests; drop GUEST= for this image's own symbols)
endif
endif

# The same machine as 'run' (image.mk), plus the stub.
TN_GDB_QEMU_ARGS = $(call tn_qemu_run_args,--gdb $(QEMU_GDB_PORT) $(if $(filter 1,$(QEMU_GDB_WAIT)),--gdb-wait))

TN_GDBSCRIPT = $(TN_GDB_GUEST_ERROR)$(PYTHON) $(TN_ROOT)/support/gdb/gdbscript.py --out $(TN_GDB_SCRIPT) \
	--elf $(TN_IMAGE).elf --kernel $(QEMU_KERNEL) --ram-base $(TN_QEMU_RAM_BASE) --remote $(TN_GDB_REMOTE) \
	$(if $(QEMU_LOAD_ADDR),--load-addr $(QEMU_LOAD_ADDR)) \
	$(if $(GUEST),--guest $(GUEST) --dtb $(TN_HYP_DTB) --guests-dir $(O)/guests)

tn_need_gdb = $(call tn_need_tool,$(GDB),gdb-multiarch)

debug: all
	$(call tn_need_tool,qemu-system-aarch64,qemu-system-arm)
	$(call tn_echo,GDB,$(call tn_short,$(TN_GDB_SCRIPT)))
	$(Q)$(TN_GDBSCRIPT) --summary
	@echo '  QEMU     gdb stub on $(TN_GDB_REMOTE), $(if $(filter 1,$(QEMU_GDB_WAIT)),halted at reset until the debugger continues,running); Ctrl-C stops QEMU'
	@echo '           gdb in another terminal: make -C $(APP_DIR) O=$(O) gdb-attach$(if $(GUEST), GUEST=$(GUEST))'
	$(Q)$(TN_ROOT)/scripts/qemu-run $(TN_GDB_QEMU_ARGS)

gdb: all
	$(call tn_need_tool,qemu-system-aarch64,qemu-system-arm)
	$(tn_need_gdb)
	$(call tn_echo,GDB,$(call tn_short,$(TN_GDB_SCRIPT)))
	$(Q)$(TN_GDBSCRIPT)
	$(Q)$(TN_ROOT)/support/gdb/gdb-session $(GDB) $(TN_GDB_SCRIPT) $(GDB_FLAGS) -- $(TN_GDB_QEMU_ARGS)

gdb-attach:
	$(tn_need_gdb)
	$(if $(wildcard $(TN_IMAGE).elf),,$(error $(TN_IMAGE).elf does not exist: start the image with 'make debug' first))
	$(call tn_echo,GDB,$(call tn_short,$(TN_GDB_SCRIPT)))
	$(Q)$(TN_GDBSCRIPT)
	$(Q)$(GDB) -q -x $(TN_GDB_SCRIPT) $(GDB_FLAGS)

else
# First pass: config.mk is being generated; make restarts once it exists.
debug gdb gdb-attach:
endif
.PHONY: debug gdb gdb-attach
