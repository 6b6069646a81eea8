# Cross toolchain, host tools and global flags: freestanding C++20 without
# exceptions or RTTI, -Wall -Wextra -Werror, built with Debian's
# aarch64-linux-gnu toolchain unless CROSS_COMPILE names another.

TN_DEFAULT_CROSS_COMPILE := aarch64-linux-gnu-
CROSS_COMPILE ?= $(TN_DEFAULT_CROSS_COMPILE)
CC := $(CROSS_COMPILE)gcc
CXX := $(CROSS_COMPILE)g++
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCXX ?= g++
PYTHON := /usr/bin/python3

TN_SUDO := $(if $(filter 0,$(shell id -u)),,sudo )
# $(call tn_need_tool,command,debian-package)
tn_need_tool = $(if $(shell command -v $(1) 2>/dev/null),,$(error $(1) not found. \
	Install it with: $(TN_SUDO)apt-get install $(2)   (or run 'make deps' in $(TN_ROOT) as root)))

# $(call tn_need_cross,command,debian-package-of-the-default-prefix): with the
# default prefix the fix is Debian's package; with another CROSS_COMPILE the
# package would not help (it installs aarch64-linux-gnu-*), so the message
# names the prefix and both ways out.
tn_need_cross = $(if $(filter $(TN_DEFAULT_CROSS_COMPILE),$(CROSS_COMPILE)),$(call tn_need_tool,$(1),$(2)),\
	$(if $(shell command -v $(1) 2>/dev/null),,$(error $(1) not found: CROSS_COMPILE=$(CROSS_COMPILE) names \
	a toolchain that is not installed or not on PATH. Fix CROSS_COMPILE (or add that toolchain's bin \
	directory to PATH), or leave CROSS_COMPILE unset for the default $(TN_DEFAULT_CROSS_COMPILE), \
	installed with: $(TN_SUDO)apt-get install $(2))))

ifneq ($(TN_BUILD_GOALS),)
$(call tn_need_cross,$(CXX),g++-aarch64-linux-gnu)
$(call tn_need_cross,$(CC),gcc-aarch64-linux-gnu)
$(call tn_need_tool,$(HOSTCXX),g++)
endif
ifneq ($(MAKECMDGOALS),help)
ifneq ($(shell $(PYTHON) -c 'import kconfiglib' 2>/dev/null && echo ok),ok)
$(error Python module kconfiglib not found for $(PYTHON). \
	Install it with: $(TN_SUDO)apt-get install python3-kconfiglib   (or run 'make deps' in $(TN_ROOT) as root))
endif
endif

# DWARF (-g) with TN_DEBUG_SYMBOLS, unless TN_NO_DWARF=1 (make or the
# environment): the test suite builds its images so (test/run), as GCC
# generates the same code with or without -g and the DWARF costs about a fifth
# of the compiler's time (apps/rtbench: 19.5 s user with it, 15.8 s without).
# make gdb and make symbolize need it.
TN_DEBUG_FLAGS = $(if $(CONFIG_TN_DEBUG_SYMBOLS),$(if $(filter 1,$(TN_NO_DWARF)),,-g))

# Flags shared by every target compile. Library code is position independent
# (the image relocates itself), freestanding, and keeps per-function sections so
# the final link can drop what nothing references.
TN_COMMON_FLAGS = -mcpu=cortex-a53 -mstrict-align -mno-outline-atomics \
	-ffreestanding -fPIE -fvisibility=hidden -ffunction-sections -fdata-sections \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Wall -Wextra -Werror \
	$(if $(CONFIG_TN_OPTIMIZE_OS),-Os,$(if $(CONFIG_TN_OPTIMIZE_OG),-Og,-O2)) \
	$(TN_DEBUG_FLAGS) \
	-fmacro-prefix-map=$(TN_ROOT)/= \
	-D__TENON__ -include $(TN_CONFIG_H) -include $(TN_ROOT)/support/include/tn_prelude.h
# FP/SIMD code generation (tn/arch/fpu.hpp): kernel libraries never use the FP
# registers (interrupt entry does not save them); the application and libraries
# that set U_USES_FP := y may, when the image keeps an FP context (eager or lazy
# ectx). libs.mk adds this per library.
TN_FP_CONTEXT = $(if $(filter y,$(CONFIG_ARCH_ARM64_ECTX_EAGER) $(CONFIG_ARCH_ARM64_ECTX_LAZY)),y)
TN_NOFP_FLAGS = -mgeneral-regs-only
TN_CXXFLAGS = -std=c++20 -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
TN_CFLAGS = -std=gnu11
TN_ASFLAGS = -D__ASSEMBLY__

TN_LDFLAGS = -nostdlib -pie --no-dynamic-linker -z text -z norelro -z max-page-size=4096 \
	--gc-sections --build-id=none --hash-style=gnu
TN_LIBGCC = $(if $(TN_BUILD_GOALS),$(shell $(CC) -print-libgcc-file-name))
