UNIT_TESTS += process_elf
process_elf_SRCS := $(d)/src/elf.cpp $(d)/tests/elf_test.cpp
# A real static-pie, when an AArch64 cross compiler is installed (the test
# skips its real-file cases without it).
PROCESS_ELF_PIE := $(O)/process_elf_data/static_pie
process_elf_CXXFLAGS := -DTN_ELF_TEST_PIE='"$(PROCESS_ELF_PIE)"'
$(O)/process_elf: | $(PROCESS_ELF_PIE).stamp
$(PROCESS_ELF_PIE).stamp: $(d)/tests/static_pie.c
	@mkdir -p $(@D)
	$(Q)rm -f $(PROCESS_ELF_PIE)
	$(Q)if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then \
		aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -O1 -ffreestanding -o $(PROCESS_ELF_PIE) $< || exit 1; \
	else echo "  process_elf: aarch64-linux-gnu-gcc not found, no real static-pie to test"; fi
	@touch $@
