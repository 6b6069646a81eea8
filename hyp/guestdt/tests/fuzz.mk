FUZZERS += guestdt
guestdt_SRCS := $(d)/src/guestdt.cpp $(d)/src/passthrough.cpp $(TN_ROOT)/lib/fdt/src/writer.cpp $(TN_ROOT)/lib/fdt/src/overlay.cpp \
	$(TN_ROOT)/lib/fdt/src/fdt.cpp $(TN_ROOT)/lib/fdt/src/property.cpp $(TN_ROOT)/lib/fdt/src/query.cpp \
	$(TN_ROOT)/lib/fdt/src/platform.cpp $(TN_ROOT)/lib/fdt/src/index.cpp $(TN_ROOT)/lib/console/src/format.cpp \
	$(d)/tests/guestdt_fuzz.cpp
guestdt_ARGS := -max_len=16384
# Seeds: the QEMU virt host trees lib/fdt's fuzz.mk dumps (its rule makes them).
guestdt_SEEDS := $(O)/seeds/fdt
