UNIT_TESTS += process_elf
process_elf_SRCS := $(d)/src/elf.cpp $(d)/tests/elf_test.cpp
# Real static-pies, when an AArch64 cross compiler is installed (the test
# skips its real-file cases without one): the compiler's default layout
# (64 KiB pages, RELRO) and the one programs are linked with (4 KiB pages,
# no RELRO, -z text).
PROCESS_ELF_DATA := $(O)/process_elf_data
process_elf_CXXFLAGS := -DTN_ELF_TEST_DATA='"$(PROCESS_ELF_DATA)"'
$(O)/process_elf: | $(PROCESS_ELF_DATA)/.stamp
$(PROCESS_ELF_DATA)/.stamp: $(d)/tests/static_pie.c
	@mkdir -p $(@D)
	$(Q)rm -f $(@D)/static_pie $(@D)/static_pie_4k
	$(Q)if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then \
		aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -O1 -ffreestanding -o $(@D)/static_pie $< && \
		aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -O1 -ffreestanding \
			-Wl,-z,text,-z,norelro,-z,max-page-size=4096 -o $(@D)/static_pie_4k $< || exit 1; \
	else echo "  process_elf: aarch64-linux-gnu-gcc not found, no real static-pie to test"; fi
	@touch $@
