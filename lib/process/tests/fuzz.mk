# tn::process::elf::parse and relocate on arbitrary bytes and on patches of a
# valid file (test/fuzz/elf_fuzz.cpp); seed: the unit test's static-pie when an
# AArch64 cross compiler is installed.
FUZZERS += process_elf
process_elf_SRCS := $(d)/src/elf.cpp $(TN_ROOT)/test/fuzz/elf_fuzz.cpp
process_elf_INCLUDES := $(d)/tests
process_elf_ARGS := -max_len=131072
process_elf_SEEDS := $(O)/seeds/process_elf
$(process_elf_SEEDS)/.stamp: $(d)/tests/static_pie.c
	@mkdir -p $(@D)
	$(Q)if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then \
		aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -O1 -ffreestanding -o $(@D)/static_pie $< && \
		aarch64-linux-gnu-gcc -nostdlib -static-pie -fPIE -O1 -ffreestanding -s -Wl,-z,max-page-size=4096 \
			-o $(@D)/static_pie_4k $<; \
	else echo "  process_elf: aarch64-linux-gnu-gcc not found, fuzzing without seeds"; fi
	@touch $@
