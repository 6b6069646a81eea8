# Builds the host tool support/tools/partcheck from the same hyp/partition and lib/fdt
# sources Mortise boots with, checking against the QEMU virt board of
# plat/mortise-qemu-virt (tn/plat/mortise_qemu_virt.hpp). Include this fragment from a makefile that sets:
#   PARTCHECK_O   directory for the objects and the binary (default: $(O)/host/partcheck)
#   TN_ROOT       the TenonOS tree
# It defines PARTCHECK (the binary's path) and a rule to build it, e.g.:
#   include $(TN_ROOT)/support/tools/partcheck/partcheck.mk
#   $(O)/desc.dtb: desc.dts $(PARTCHECK)
#   	dtc -q -I dts -O dtb -o $@ $<
#   	$(PARTCHECK) --dtb $@ --source $< --ram-size 512M --cpus 4 --images a,b || { rm -f $@; exit 1; }
# Stand-alone: make -C support/tools/partcheck O=/tmp/pc  ->  /tmp/pc/partcheck

PARTCHECK_O ?= $(O)/host/partcheck
PARTCHECK := $(PARTCHECK_O)/partcheck
PARTCHECK_HOSTCXX ?= $(or $(HOSTCXX),g++)
PARTCHECK_SRCS := $(addprefix $(TN_ROOT)/,support/tools/partcheck/main.cpp support/tools/partcheck/partcheck.cpp \
	hyp/partition/src/partition.cpp hyp/partition/src/decode.cpp hyp/partition/src/color.cpp hyp/partition/src/kernel_image.cpp \
	hyp/guestdt/src/guestdt.cpp hyp/guestdt/src/passthrough.cpp hyp/guestdt/src/host_platform.cpp lib/fdt/src/writer.cpp lib/fdt/src/overlay.cpp \
	plat/mortise-qemu-virt/src/partition_platform.cpp lib/fdt/src/fdt.cpp lib/fdt/src/property.cpp \
	lib/fdt/src/query.cpp lib/fdt/src/platform.cpp lib/fdt/src/index.cpp lib/console/src/format.cpp)
PARTCHECK_OBJS := $(patsubst $(TN_ROOT)/%.cpp,$(PARTCHECK_O)/obj/%.o,$(PARTCHECK_SRCS))
PARTCHECK_CXXFLAGS := -std=c++20 -O2 -Wall -Wextra -Werror -MMD -MP -DTN_HOST_TEST=1 \
	$(addprefix -I$(TN_ROOT)/,lib/kbase/include lib/fdt/include lib/console/include hyp/partition/include hyp/guestdt/include lib/sched/include \
	plat/mortise-guest/include plat/mortise-qemu-virt/include)

$(PARTCHECK_O)/obj/%.o: $(TN_ROOT)/%.cpp
	@mkdir -p $(@D)
	$(if $(filter 1,$(V)),,@printf '  %-7s %s\n' HOSTCXX $*.cpp)
	$(if $(filter 1,$(V)),,@)$(PARTCHECK_HOSTCXX) $(PARTCHECK_CXXFLAGS) -c $< -o $@

$(PARTCHECK): $(PARTCHECK_OBJS)
	$(if $(filter 1,$(V)),,@printf '  %-7s %s\n' HOSTLD partcheck)
	$(if $(filter 1,$(V)),,@)$(PARTCHECK_HOSTCXX) -o $@ $^

-include $(PARTCHECK_OBJS:.o=.d)
