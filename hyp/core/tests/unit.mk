# The guest lifecycle state machine (src/lifecycle.cpp) with a test guest
# (tests/lifecycle_harness.hpp). The spinlock is real (TN_HOST_SMP).
UNIT_TESTS += mortise_lifecycle
mortise_lifecycle_SRCS := $(d)/src/lifecycle.cpp $(d)/tests/lifecycle_test.cpp
mortise_lifecycle_INCLUDES := $(d)/src $(d)/tests
mortise_lifecycle_CXXFLAGS := -DTN_HOST_SMP=1

# The same, raced from several host threads under ThreadSanitizer.
UNIT_TESTS += mortise_lifecycle_race
mortise_lifecycle_race_SRCS := $(d)/src/lifecycle.cpp $(d)/tests/lifecycle_race_test.cpp
mortise_lifecycle_race_INCLUDES := $(d)/src $(d)/tests
mortise_lifecycle_race_CXXFLAGS := -DTN_HOST_SMP=1
mortise_lifecycle_race_SANITIZE := thread

# Guests and hypercall traps (src/guest.cpp, instances.cpp, trap.cpp, shell.cpp, images.cpp)
# on arch/fake, with the libraries they use built from source,
# tests/core_env.cpp in place of the board and the GIC, and tests/cpu_stub.cpp
# in place of cpu.cpp (vCPUs on any CPU; the tests play entry and exit).
MORTISE_CORE_LIBS := $(d)/src/entropy.cpp $(TN_ROOT)/hyp/partition/src/color.cpp $(TN_ROOT)/hyp/partition/src/kernel_image.cpp $(TN_ROOT)/hyp/partition/src/modules.cpp \
	$(TN_ROOT)/hyp/hypercall/src/table.cpp $(TN_ROOT)/hyp/hypercall/src/groups.cpp \
	$(TN_ROOT)/hyp/vgic/src/vgic.cpp $(TN_ROOT)/hyp/vgic/src/mmio.cpp $(TN_ROOT)/hyp/vuart/src/pl011.cpp $(TN_ROOT)/hyp/vuart/src/guest_line.cpp \
	$(TN_ROOT)/hyp/vpsci/src/vpsci.cpp $(TN_ROOT)/hyp/vpsci/src/smccc.cpp $(TN_ROOT)/hyp/vcpu/src/context.cpp $(TN_ROOT)/hyp/vcpu/src/inject.cpp \
	$(TN_ROOT)/hyp/vcpu/src/sysreg_trap.cpp \
	$(TN_ROOT)/hyp/stage2/src/stage2.cpp \
	$(TN_ROOT)/hyp/guestdt/src/guestdt.cpp $(TN_ROOT)/hyp/guestdt/src/passthrough.cpp \
	$(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp \
	$(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(TN_ROOT)/lib/console/src/console.cpp \
	$(TN_ROOT)/arch/arm64/src/esr.cpp $(TN_ROOT)/arch/arm64/src/pgtable.cpp $(HOST_ARCH_SRCS)
MORTISE_CORE_CXXFLAGS := -DCONFIG_TN_MAX_CPUS=32 -DCONFIG_LIBMORTISE_CORE_STAGE2_TABLES=64 -DCONFIG_MORTISE_LLC_COLORS=16 \
	-DCONFIG_LIBMORTISE_CORE_POWER_OFF_WHEN_IDLE=1 -DCONFIG_LIBMORTISE_CORE_UART_READ_VIEW=1

UNIT_TESTS += mortise_core
mortise_core_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/channels.cpp $(d)/src/instances.cpp $(d)/src/trap.cpp $(d)/src/shell.cpp \
	$(d)/src/images.cpp $(MORTISE_CORE_LIBS) $(d)/tests/core_env.cpp $(d)/tests/cpu_stub.cpp $(d)/tests/core_test.cpp
mortise_core_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_core_CXXFLAGS := $(MORTISE_CORE_CXXFLAGS)

# The physical CPUs' side (src/cpu.cpp itself: entry, exit, parking, the idle
# loop, the guest timer) with the same guests and traps, on CPU 0, and the
# EL2 address space (src/mmu.cpp); tests/cpu_env.cpp stands in for the world
# switch's assembly, the ICH registers and arm64's EL2 MMU set-up.
UNIT_TESTS += mortise_cpu
mortise_cpu_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/channels.cpp $(d)/src/instances.cpp $(d)/src/trap.cpp $(d)/src/images.cpp \
	$(d)/src/cpu.cpp $(d)/src/mmu.cpp $(TN_ROOT)/hyp/vgic/src/ich_switch.cpp $(MORTISE_CORE_LIBS) $(d)/tests/core_env.cpp $(d)/tests/cpu_env.cpp $(d)/tests/cpu_test.cpp
mortise_cpu_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_cpu_CXXFLAGS := $(MORTISE_CORE_CXXFLAGS) -DCONFIG_LIBMORTISE_CORE_EL2_TABLES=16

# Inter-VM channels (src/channels.cpp) with the guests and traps of mortise_core: the memory
# carved at boot, members' stage 2, the doorbell page, ivc.notify/ivc.info and the doorbell rule.
UNIT_TESTS += mortise_ivc
mortise_ivc_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/channels.cpp $(d)/src/instances.cpp $(d)/src/trap.cpp \
	$(d)/src/shell.cpp $(d)/src/images.cpp $(MORTISE_CORE_LIBS) $(d)/tests/core_env.cpp $(d)/tests/cpu_stub.cpp \
	$(d)/tests/ivc_test.cpp
mortise_ivc_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_ivc_CXXFLAGS := $(MORTISE_CORE_CXXFLAGS)

# On-demand instances (src/instances.cpp) with the guests, traps and shell of mortise_core: the
# pool, instance.create/reclaim/pool, first fit, scrubbing, the stage-2 tables and slots freed.
UNIT_TESTS += mortise_instances
mortise_instances_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/channels.cpp $(d)/src/instances.cpp \
	$(d)/src/trap.cpp $(d)/src/shell.cpp $(d)/src/images.cpp $(MORTISE_CORE_LIBS) $(d)/tests/core_env.cpp \
	$(d)/tests/cpu_stub.cpp $(d)/tests/instances_test.cpp
mortise_instances_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_instances_CXXFLAGS := $(MORTISE_CORE_CXXFLAGS)
# Coloured guests (mortise/color.hpp, docs/mortise.md "LLC page colouring") with the guests and traps
# of mortise_core: RAM from pages of their colours, the image and device tree copied page by page,
# the boot-time colour check.
UNIT_TESTS += mortise_color
mortise_color_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/channels.cpp $(d)/src/instances.cpp $(d)/src/trap.cpp \
	$(d)/src/shell.cpp $(d)/src/images.cpp $(MORTISE_CORE_LIBS) $(d)/tests/core_env.cpp $(d)/tests/cpu_stub.cpp \
	$(d)/tests/color_core_test.cpp
mortise_color_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_color_CXXFLAGS := $(MORTISE_CORE_CXXFLAGS)
