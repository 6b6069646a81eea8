# Programs: an application's EL0 executables (docs/processes.md). With
# CONFIG_LIBPROCESS=y every directory apps/<app>/programs/<name>/ is a
# program: its *.c and *.S (and what an optional Makefile.uk there adds to
# PROG_<NAME>_SRCS, with PROG_<NAME>_CFLAGS for its compiles; <NAME> is the
# name in upper case, '-' and '.' as '_') compile for EL0 against newlib's
# headers, the ABI's (lib/process/include) and the user runtime's
# (lib/process/user/include); each links, with the user runtime (built once
# into $(O)/programs/libtnuser.a), newlib's libc.a and libm.a and libgcc,
# into a static position-independent ELF, $(O)/programs/<name>.elf, that
# checkprogram.py checks (ET_DYN, no PT_INTERP, R_AARCH64_RELATIVE only); a
# generated assembly file embeds it, stripped (<name>.stripped.elf), in the
# image with one struct tn_program record (tn/program_table.h) in
# .tn_programs.

ifeq ($(CONFIG_LIBPROCESS),y)
TN_PROG_DIR := $(O)/programs
TN_PROG_OBJDIR := $(O)/obj/programs
TN_PROGRAMS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard $(APP_DIR)/programs/*/.)))))

tn_prog_uc = $(call tn_uc,$(subst .,_,$(1)))
$(foreach p,$(TN_PROGRAMS),$(if $(shell printf '%s' '$(p)' | grep -Ex '[A-Za-z0-9_.-]{1,31}'),,\
	$(error $(APP_DIR)/programs/$(p): a program name is 1-31 characters of A-Z a-z 0-9 _ . - (TN_PROGRAM_NAME_MAX))))

# Compile flags of EL0 code: the toolchain.mk code generation where it
# matters for a static PIE (position independent, hidden visibility so
# references bind at link time, per-function sections), FP/SIMD allowed
# (newlib is built with it; a process keeps its FP context), then newlib's
# headers only (-nostdinc; the compiler's own last), as lib/newlib gives
# them to the kernel side, minus the image configuration.
TN_PROG_GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
TN_PROG_INC := $(addprefix -I,$(PROCESS_USER_INCLUDES))
TN_PROG_FLAGS = -mcpu=cortex-a53 -mno-outline-atomics -fPIE -fvisibility=hidden \
	-ffunction-sections -fdata-sections -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -Wall -Wextra -Werror \
	$(if $(CONFIG_TN_OPTIMIZE_OS),-Os,$(if $(CONFIG_TN_OPTIMIZE_OG),-Og,-O2)) \
	$(TN_DEBUG_FLAGS) -fmacro-prefix-map=$(TN_ROOT)/= \
	-nostdinc $(TN_PROG_INC) -isystem $(NEWLIB_INCLUDE) -idirafter $(TN_PROG_GCC_INCLUDE) \
	-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix \
	-D__DYNAMIC_REENT__ -D__TENON_PROCESS__
TN_PROG_CFLAGS = -std=gnu11
TN_PROG_ASFLAGS = -D__ASSEMBLY__
# A static PIE linked at 0: no dynamic linker (no PT_INTERP), every dynamic
# relocation R_AARCH64_RELATIVE (-z text: none in read-only segments); the
# kernel's loader places it at TN_USER_LOAD, applies the relocations of
# PT_DYNAMIC's DT_RELA and then makes the RELRO pages (what only the
# relocations write: the GOT, .data.rel.ro) read-only.
TN_PROG_LDFLAGS = -nostdlib -pie --no-dynamic-linker -z text -z relro -z noexecstack \
	-z max-page-size=4096 -z common-page-size=4096 --gc-sections --build-id=none --hash-style=gnu -e _start
TN_PROG_LIBS = --start-group $(TN_PROG_DIR)/libtnuser.a $(NEWLIB_LIBM) $(NEWLIB_LIBC) $(TN_LIBGCC) --end-group

# $(call tn_prog_compile_rules,objdir,srcdir,flags-file,tag-prefix,extra-flags-var)
define tn_prog_compile_rules
$(1)/%.o: $(2)/%.c $(3)
	@mkdir -p $$(@D)
	$$(call tn_echo,CC [prog],$(4)$$*.o)
	$$(Q)$$(CC) $$(TN_PROG_FLAGS) $$(TN_PROG_CFLAGS) $$($(5)) -MMD -MP -MF $$(@:.o=.d) -c $$< -o $$@
$(1)/%.o: $(2)/%.S $(3)
	@mkdir -p $$(@D)
	$$(call tn_echo,AS [prog],$(4)$$*.o)
	$$(Q)$$(CC) $$(TN_PROG_FLAGS) $$(TN_PROG_ASFLAGS) $$($(5)) -MMD -MP -MF $$(@:.o=.d) -c $$< -o $$@
endef

# The user runtime: crt0.o apart (it must be linked, not pulled from the
# archive), the rest in libtnuser.a.
TN_PROG_USER_OBJDIR := $(TN_PROG_OBJDIR)/.user
TN_PROG_USER_OBJS := $(patsubst $(PROCESS_BASE)/user/src/%,$(TN_PROG_USER_OBJDIR)/%.o,\
	$(basename $(filter-out %/crt0.S,$(PROCESS_USER_SRCS))))
TN_PROG_CRT0 := $(TN_PROG_USER_OBJDIR)/crt0.o
TN_PROG_FLAGS_TEXT = $(CC) $(TN_PROG_FLAGS) $(TN_PROG_CFLAGS) $(TN_PROG_ASFLAGS)|$(TN_PROG_LDFLAGS) $(TN_PROG_LIBS)
$(eval $(call tn_write_if_changed,$(TN_PROG_USER_OBJDIR)/.flags,TN_PROG_FLAGS_TEXT))
$(eval $(call tn_prog_compile_rules,$(TN_PROG_USER_OBJDIR),$(PROCESS_BASE)/user/src,$(TN_PROG_USER_OBJDIR)/.flags,user/,TN_PROG_USER_NOFLAGS))
-include $(TN_PROG_USER_OBJS:.o=.d) $(TN_PROG_CRT0:.o=.d)

$(TN_PROG_DIR)/libtnuser.a: $(TN_PROG_USER_OBJS)
	@mkdir -p $(@D)
	$(call tn_echo,AR [prog],$(call tn_short,$@))
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

# $(1) = program name, $(2) = its upper-case name
define tn_prog_rules
PROG_$(2)_SRCS :=
PROG_$(2)_CFLAGS :=
TN_CURDIR := $(APP_DIR)/programs/$(1)
$$(if $$(wildcard $(APP_DIR)/programs/$(1)/Makefile.uk),$$(eval include $(APP_DIR)/programs/$(1)/Makefile.uk))
TN_CURDIR :=
PROG_$(2)_ALLSRCS := $$(sort $$(wildcard $(APP_DIR)/programs/$(1)/*.c $(APP_DIR)/programs/$(1)/*.S) \
	$$(abspath $$(PROG_$(2)_SRCS)))
$$(foreach s,$$(PROG_$(2)_ALLSRCS),$$(if $$(filter $(APP_DIR)/programs/$(1)/%.c $(APP_DIR)/programs/$(1)/%.S,$$(s)),,\
	$$(error program $(1): source $$(s) is not a .c or .S file in $(APP_DIR)/programs/$(1))))
$$(if $$(PROG_$(2)_ALLSRCS),,$$(error program $(1): $(APP_DIR)/programs/$(1) has no .c or .S source))
PROG_$(2)_OBJS := $$(patsubst $(APP_DIR)/programs/$(1)/%,$(TN_PROG_OBJDIR)/$(1)/%.o,$$(basename $$(PROG_$(2)_ALLSRCS)))
PROG_$(2)_FLAGS_TEXT := $$(TN_PROG_FLAGS_TEXT) $$(PROG_$(2)_CFLAGS)|$$(PROG_$(2)_OBJS)
$$(eval $$(call tn_write_if_changed,$(TN_PROG_OBJDIR)/$(1)/.flags,PROG_$(2)_FLAGS_TEXT))
$$(eval $$(call tn_prog_compile_rules,$(TN_PROG_OBJDIR)/$(1),$(APP_DIR)/programs/$(1),$(TN_PROG_OBJDIR)/$(1)/.flags,$(1)/,PROG_$(2)_CFLAGS))
-include $$(PROG_$(2)_OBJS:.o=.d)

$(TN_PROG_DIR)/$(1).elf: $(TN_PROG_CRT0) $$(PROG_$(2)_OBJS) $(TN_PROG_DIR)/libtnuser.a $(NEWLIB_LIBC) $(NEWLIB_LIBM) \
		$(TN_PROG_OBJDIR)/$(1)/.flags $(TN_ROOT)/support/scripts/checkprogram.py
	@mkdir -p $$(@D)
	$$(call tn_echo,LD [prog],$(1))
	$$(Q)$$(LD) $$(TN_PROG_LDFLAGS) -Map=$(TN_PROG_DIR)/$(1).map -o $$@ $(TN_PROG_CRT0) $$(PROG_$(2)_OBJS) $$(TN_PROG_LIBS)
	$$(Q)$$(PYTHON) $(TN_ROOT)/support/scripts/checkprogram.py $$@

# The image embeds the ELF without its symbols and debug information (a
# third of an -O2 -g program's file); the full one stays for gdb.
$(TN_PROG_DIR)/$(1).stripped.elf: $(TN_PROG_DIR)/$(1).elf
	$$(call tn_echo,STRIP [prog],$(1))
	$$(Q)$$(OBJCOPY) --strip-all $$< $$@

# The embedding: the ELF (8-byte aligned) in read-only data, its name, and
# the record { name, elf, size } in .tn_programs (writable in the object, as
# its two pointers are relocated when the image relocates itself; the
# linker script places it among read-only data).
$(TN_PROG_OBJDIR)/$(1).embed.S: $(TN_ROOT)/support/make/programs.mk
	@mkdir -p $$(@D)
	$$(Q)printf '%s\n' '/* Generated by support/make/programs.mk: program $(1). */' \
		'	.section ".rodata.tn_program.$(1)","a"' '	.balign 8' '.Lelf:' \
		'	.incbin "$(TN_PROG_DIR)/$(1).stripped.elf"' '.Lend:' \
		'	.section ".rodata.tn_program_name.$(1)","a"' '.Lname:' '	.asciz "$(1)"' \
		'	.section .tn_programs,"aw"' '	.balign 8' '	.quad .Lname' '	.quad .Lelf' '	.quad .Lend - .Lelf' \
		'	.section .note.GNU-stack,"",%progbits' > $$@

$(TN_PROG_OBJDIR)/$(1).embed.o: $(TN_PROG_OBJDIR)/$(1).embed.S $(TN_PROG_DIR)/$(1).stripped.elf
	$$(call tn_echo,PROG,$(1))
	$$(Q)$$(CC) -c -o $$@ $$<

TN_PROG_EMBEDS += $(TN_PROG_OBJDIR)/$(1).embed.o
TN_PROG_ELFS += $(TN_PROG_DIR)/$(1).elf
endef

TN_PROG_EMBEDS :=
TN_PROG_ELFS :=
$(foreach p,$(TN_PROGRAMS),$(eval $(call tn_prog_rules,$(p),$(call tn_prog_uc,$(p)))))

# All programs as one partial object of the image: the sizes report has
# them as 'programs'.
ifneq ($(TN_PROG_EMBEDS),)
TN_PROG_LIST := $(TN_PROG_EMBEDS)
$(eval $(call tn_write_if_changed,$(TN_PROG_OBJDIR)/.embeds,TN_PROG_LIST))
TN_PARTIALS += $(O)/libs/programs.o
$(O)/libs/programs.o: $(TN_PROG_EMBEDS) $(TN_PROG_OBJDIR)/.embeds
	@mkdir -p $(@D)
	$(call tn_echo,LD,$(call tn_short,$@))
	$(Q)$(LD) -r -o $@ $(TN_PROG_EMBEDS)
endif

programs: $(TN_PROG_ELFS)
else
programs:
	$(if $(TN_BUILD_GOALS),@echo 'programs: CONFIG_LIBPROCESS is not set: no programs are built')
endif
.PHONY: programs
