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

# Guests and hypercall traps (src/guest.cpp, trap.cpp, shell.cpp, images.cpp)
# on arch/fake, with the libraries they use built from source and
# tests/core_env.cpp in place of the board, the GIC and cpu.cpp.
UNIT_TESTS += mortise_core
mortise_core_SRCS := $(d)/src/lifecycle.cpp $(d)/src/guest.cpp $(d)/src/trap.cpp $(d)/src/shell.cpp \
	$(d)/src/images.cpp $(d)/src/entropy.cpp $(TN_ROOT)/hyp/partition/src/kernel_image.cpp \
	$(TN_ROOT)/hyp/hypercall/src/table.cpp $(TN_ROOT)/hyp/hypercall/src/groups.cpp \
	$(TN_ROOT)/hyp/vgic/src/vgic.cpp $(TN_ROOT)/hyp/vgic/src/mmio.cpp $(TN_ROOT)/hyp/vuart/src/pl011.cpp \
	$(TN_ROOT)/hyp/vpsci/src/vpsci.cpp $(TN_ROOT)/hyp/vpsci/src/smccc.cpp $(TN_ROOT)/hyp/vcpu/src/context.cpp $(TN_ROOT)/hyp/vcpu/src/inject.cpp \
	$(TN_ROOT)/hyp/stage2/src/stage2.cpp \
	$(TN_ROOT)/hyp/guestdt/src/guestdt.cpp $(TN_ROOT)/hyp/guestdt/src/passthrough.cpp \
	$(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp \
	$(TN_ROOT)/lib/fdt/src/query.cpp $(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp \
	$(TN_ROOT)/lib/console/src/format.cpp $(TN_ROOT)/lib/console/src/console.cpp \
	$(TN_ROOT)/arch/arm64/src/esr.cpp $(TN_ROOT)/arch/arm64/src/pgtable.cpp $(HOST_ARCH_SRCS) \
	$(d)/tests/core_env.cpp $(d)/tests/core_test.cpp
mortise_core_INCLUDES := $(d)/src $(d)/tests $(d)/include
mortise_core_CXXFLAGS := -DCONFIG_TN_MAX_CPUS=32 -DCONFIG_LIBMORTISE_CORE_STAGE2_TABLES=64 \
	-DCONFIG_LIBMORTISE_CORE_POWER_OFF_WHEN_IDLE=1
