# Library discovery and the Makefile.uk API (docs/build-system.md).
#
# Every Makefile.uk under arch/*, plat/*, drivers/*/*, lib/*, hyp/*, each L=
# directory and the application directory is read. While it is read, TN_CURDIR
# is its directory. A Makefile.uk registers its library:
#
#   $(eval $(call tn_addlib,NAME,SYMBOL))   built when CONFIG_SYMBOL=y
#   $(eval $(call tn_addlib,NAME))          always built (applications)
#   $(eval $(call tn_addlib,NAME,SYMBOL,base))  a base library: every library
#                                           sees it (the arch contract, lib/kbase)
#
# and then fills, with U the upper-case NAME ('-' becomes '_'):
#   U_SRCS-y             .cpp .c .S sources (paths under $(U_BASE))
#   U_CXXFLAGS-y U_CFLAGS-y U_ASFLAGS-y   flags for this library's sources only
#   U_INCLUDES-y         private include directories
#   U_EXPORT_INCLUDES-y  include directories the libraries that depend on this one
#                        see ($(U_BASE)/include is exported automatically when it exists)
#   U_EXPORT_CFLAGS-y    C compiler flags for this library and those that see it, after the
#                        include directories: a prebuilt C library's headers (lib/newlib:
#                        -nostdinc -isystem ...); C++ and assembly do not get them
#   U_EXPORT_CXXFLAGS-y  the same for C++ compiles: a C library's headers under the C++
#                        library's (lib/newlib, docs/newlib-cxx.md)
#   U_LDLIBS-y           prebuilt archives (absolute paths, may lie outside the tree) the
#                        image links after the partial objects, in a group with libgcc
#   U_LDS-y              linker-script fragments INCLUDEd into the image's SECTIONS
#   U_USES_FP            y: may use FP/SIMD registers when the image keeps an FP
#                        context (ectx eager or lazy); default y for applications
#                        (registered without a symbol), n for libraries, which are
#                        then built -mgeneral-regs-only
# The '-y' suffix lets a line depend on an option: U_SRCS-$(CONFIG_FOO) += foo.cpp
#
# Include paths follow the Kconfig dependency graph (support/kconfig/libdeps.py):
# a library compiles with the include directories of itself, of the libraries
# its Config.uk depends on ('depends on', 'select', 'imply'; transitively) and
# of the base libraries; a library registered without a symbol (the
# application) sees every enabled library. A dependency cycle is an error.

tn_upper = $(subst a,A,$(subst b,B,$(subst c,C,$(subst d,D,$(subst e,E,$(subst f,F,$(subst g,G,$(subst h,H,\
	$(subst i,I,$(subst j,J,$(subst k,K,$(subst l,L,$(subst m,M,$(subst n,N,$(subst o,O,$(subst p,P,\
	$(subst q,Q,$(subst r,R,$(subst s,S,$(subst t,T,$(subst u,U,$(subst v,V,$(subst w,W,$(subst x,X,\
	$(subst y,Y,$(subst z,Z,$(subst -,_,$(1))))))))))))))))))))))))))))
tn_uc = $(strip $(call tn_upper,$(1)))

# $(call tn_write_if_changed,file,variable-name): keeps the file's timestamp
# unless the variable's value differs, so it can serve as a prerequisite.
define tn_write_if_changed
$$(shell mkdir -p $$(dir $(1)))
ifneq ($$(strip $$(file <$(1))) $$(wildcard $(1)),$$(strip $$($(2))) $(1))
$$(file >$(1),$$($(2)))
endif
endef

define tn_addlib
ifneq ($$(filter $(1),$$(TN_ALL_LIBS)),)
$$(error $(TN_CURDIR)/Makefile.uk: library name '$(1)' is already registered by $$($(call tn_uc,$(1))_BASE))
endif
TN_ALL_LIBS += $(1)
TN_LIB_ENTRIES += $(1)=$(2)
$(call tn_uc,$(1))_BASE := $(TN_CURDIR)
$(call tn_uc,$(1))_SYMBOL := $(2)
$(call tn_uc,$(1))_USES_FP := $(if $(2),n,y)
$(if $(filter-out base,$(3)),$$(error $(TN_CURDIR)/Makefile.uk: tn_addlib's third argument is 'base' or nothing, not '$(3)'))
$(if $(3),$(if $(2),,$$(error $(TN_CURDIR)/Makefile.uk: a base library needs a Kconfig symbol)))
TN_BASE_DIRS += $(if $(3),$(TN_CURDIR))
ifeq ($(if $(2),$$(CONFIG_$(2)),y),y)
TN_LIBS += $(1)
endif
endef

TN_LIB_MAKEFILES := $(sort $(wildcard $(addprefix $(TN_ROOT)/,\
	arch/*/Makefile.uk plat/*/Makefile.uk drivers/*/*/Makefile.uk lib/*/Makefile.uk hyp/*/Makefile.uk))) \
	$(wildcard $(addsuffix /Makefile.uk,$(TN_EXT_DIRS))) $(wildcard $(APP_DIR)/Makefile.uk)

ifneq ($(TN_BUILD_GOALS),)
TN_ALL_LIBS :=
TN_LIBS :=
TN_LIB_ENTRIES :=
TN_BASE_DIRS :=
$(foreach f,$(TN_LIB_MAKEFILES),$(eval TN_CURDIR := $(patsubst %/,%,$(dir $(f))))$(eval include $(f)))
TN_CURDIR :=

# The library dependency graph (docs/build-system.md, "Dependencies and include
# paths"): for each Kconfig symbol the directory of the Config.uk defining it
# (TN_KDIR.<symbol>), for each such directory its dependency closure
# (TN_LIBDEPS.<dir>). Rebuilt when a Config.uk or the base libraries change;
# a cycle stops the build with the cycle's libraries and Config.uk lines.
TN_LIBDEPS_MK := $(O)/kconfig/libdeps.mk
TN_BASE_LIST := $(TN_BASE_DIRS)
$(eval $(call tn_write_if_changed,$(O)/kconfig/base.list,TN_BASE_LIST))
$(TN_LIBDEPS_MK): $(TN_KCONFIG_FILES) $(O)/kconfig/files.list $(O)/kconfig/external.uk $(O)/kconfig/base.list \
		$(TN_ROOT)/support/kconfig/libdeps.py
	$(call tn_echo,LIBDEPS,$(call tn_short,$@))
	$(Q)$(TNCONFIG) libdeps $@ $(TN_BASE_DIRS)
include $(TN_LIBDEPS_MK)

tn_uniq = $(if $(1),$(firstword $(1)) $(call tn_uniq,$(filter-out $(firstword $(1)),$(1))))
# The graph node of a library: the directory whose Config.uk defines its symbol.
tn_libnode = $(or $(TN_KDIR.$($(call tn_uc,$(1))_SYMBOL)),$($(call tn_uc,$(1))_BASE))
$(foreach l,$(TN_LIBS),$(if $($(call tn_uc,$(l))_SYMBOL),$(eval TN_LIBS_AT.$(call tn_libnode,$(l)) += $(l))))
# The enabled libraries $(1) sees: itself and its dependency closure, which
# for a library other than a base one includes the base libraries (libdeps.py);
# every enabled library for one without a symbol (the application layer).
tn_visible = $(if $($(call tn_uc,$(1))_SYMBOL),$(call tn_uniq,$(1) $(foreach d,$(call tn_libnode,$(1)) \
	$(TN_LIBDEPS.$(call tn_libnode,$(1))),$(TN_LIBS_AT.$(d)))),$(TN_LIBS))
tn_exports = $(foreach l,$(1),$(wildcard $($(call tn_uc,$(l))_BASE)/include) $($(call tn_uc,$(l))_EXPORT_INCLUDES-y))
tn_export_cflags = $(foreach l,$(1),$($(call tn_uc,$(l))_EXPORT_CFLAGS-y))
tn_export_cxxflags = $(foreach l,$(1),$($(call tn_uc,$(l))_EXPORT_CXXFLAGS-y))

# After a failed compile of library $(1) (upper case $(2)) with command $(3):
# the headers it did not find, with the library each belongs to and the
# Config.uk line that would make it visible.
tn_dephint = $(3) -M -MG $< 2>/dev/null | $(TNCONFIG) dephint $($(2)_BASE) \
	$(foreach l,$(TN_ALL_LIBS),$(if $($(call tn_uc,$(l))_SYMBOL),$($(call tn_uc,$(l))_BASE)=$($(call tn_uc,$(l))_SYMBOL))) \
	$(addprefix base=,$(TN_BASE_DIRS)) >&2 || true

FIXDEP := $(O)/host/fixdep
$(FIXDEP): $(TN_ROOT)/support/fixdep/fixdep.cpp $(TN_ROOT)/support/fixdep/fixdep_core.cpp \
		$(TN_ROOT)/support/fixdep/fixdep.hpp
	@mkdir -p $(@D)
	$(call tn_echo,HOSTCXX,$(call tn_short,$@))
	$(Q)$(HOSTCXX) -std=c++20 -O2 -Wall -Wextra -Werror -o $@ $(filter %.cpp,$^)

# Object directory of a library: its path under the tree, or ext/<name>.
tn_objdir = $(O)/obj/$(if $(filter $(TN_ROOT)/%,$(1)),$(patsubst $(TN_ROOT)/%,%,$(1)),ext/$(2))

# $(1) = library name, $(2) = upper-case name
define tn_lib_rules
$(2)_OBJDIR := $(call tn_objdir,$($(2)_BASE),$(1))
$(2)_SRCS := $$(strip $$($(2)_SRCS-y))
$$(foreach s,$$($(2)_SRCS),$$(if $$(filter $($(2)_BASE)/%,$$(s)),,\
	$$(error library $(1): source $$(s) is outside $($(2)_BASE))))
$$(foreach s,$$($(2)_SRCS),$$(if $$(filter %.cpp %.c %.S,$$(s)),,\
	$$(error library $(1): $$(s) is not a .cpp, .c or .S source)))
$(2)_OBJS := $$(foreach s,$$($(2)_SRCS),$$($(2)_OBJDIR)/$$(basename $$(patsubst $($(2)_BASE)/%,%,$$(s))).o)
$(2)_VISIBLE := $$(call tn_visible,$(1))
$(2)_INC := $$(addprefix -I,$$($(2)_INCLUDES-y) $$(call tn_exports,$$($(2)_VISIBLE)))
$(2)_FPFLAGS := $$(if $$(and $$(TN_FP_CONTEXT),$$(filter y,$$($(2)_USES_FP))),,$$(TN_NOFP_FLAGS))
$(2)_CMD_CXX := $$(CXX) $$(TN_COMMON_FLAGS) $$($(2)_FPFLAGS) $$(TN_CXXFLAGS) $$($(2)_CXXFLAGS-y) $$($(2)_INC) \
	$$(call tn_export_cxxflags,$$($(2)_VISIBLE))
$(2)_CMD_CC := $$(CC) $$(TN_COMMON_FLAGS) $$($(2)_FPFLAGS) $$(TN_CFLAGS) $$($(2)_CFLAGS-y) $$($(2)_INC) \
	$$(call tn_export_cflags,$$($(2)_VISIBLE))
$(2)_CMD_AS := $$(CC) $$(TN_COMMON_FLAGS) $$($(2)_FPFLAGS) $$(TN_ASFLAGS) $$($(2)_ASFLAGS-y) $$($(2)_INC)
$(2)_FLAGS_TEXT := $$($(2)_CMD_CXX)|$$($(2)_CMD_CC)|$$($(2)_CMD_AS)
$$(eval $$(call tn_write_if_changed,$$($(2)_OBJDIR)/.flags,$(2)_FLAGS_TEXT))
$$(eval $$(call tn_write_if_changed,$$($(2)_OBJDIR)/.objs,$(2)_OBJS))
$$(eval $$(call tn_write_if_changed,$$($(2)_OBJDIR)/.srcs,$(2)_SRCS))
TN_COMPDB_DIRS += $$($(2)_OBJDIR)

$$($(2)_OBJDIR)/%.o: $($(2)_BASE)/%.cpp $$($(2)_OBJDIR)/.flags | $(FIXDEP) $(TN_CONFIG_MK)
	@mkdir -p $$(@D)
	$$(call tn_echo,CXX,$$(call tn_short,$$@))
	$$(Q)$$($(2)_CMD_CXX) -MMD -MF $$(@:.o=.d.raw) -c $$< -o $$@ || \
		{ $$(call tn_dephint,$(1),$(2),$$($(2)_CMD_CXX)); exit 1; }
	$$(Q)$(FIXDEP) $$(@:.o=.d.raw) $$@ $(TN_CONFIG_DEPDIR) $(TN_CONFIG_H) > $$(@:.o=.d) && rm -f $$(@:.o=.d.raw)

$$($(2)_OBJDIR)/%.o: $($(2)_BASE)/%.c $$($(2)_OBJDIR)/.flags | $(FIXDEP) $(TN_CONFIG_MK)
	@mkdir -p $$(@D)
	$$(call tn_echo,CC,$$(call tn_short,$$@))
	$$(Q)$$($(2)_CMD_CC) -MMD -MF $$(@:.o=.d.raw) -c $$< -o $$@ || \
		{ $$(call tn_dephint,$(1),$(2),$$($(2)_CMD_CC)); exit 1; }
	$$(Q)$(FIXDEP) $$(@:.o=.d.raw) $$@ $(TN_CONFIG_DEPDIR) $(TN_CONFIG_H) > $$(@:.o=.d) && rm -f $$(@:.o=.d.raw)

$$($(2)_OBJDIR)/%.o: $($(2)_BASE)/%.S $$($(2)_OBJDIR)/.flags | $(FIXDEP) $(TN_CONFIG_MK)
	@mkdir -p $$(@D)
	$$(call tn_echo,AS,$$(call tn_short,$$@))
	$$(Q)$$($(2)_CMD_AS) -MMD -MF $$(@:.o=.d.raw) -c $$< -o $$@ || \
		{ $$(call tn_dephint,$(1),$(2),$$($(2)_CMD_AS)); exit 1; }
	$$(Q)$(FIXDEP) $$(@:.o=.d.raw) $$@ $(TN_CONFIG_DEPDIR) $(TN_CONFIG_H) > $$(@:.o=.d) && rm -f $$(@:.o=.d.raw)

# One partial object per library: the link map then attributes every input
# section to its library (sizes per library, paper Table 1).
ifneq ($$($(2)_OBJS),)
TN_PARTIALS += $(O)/libs/$(1).o
$(O)/libs/$(1).o: $$($(2)_OBJS) $$($(2)_OBJDIR)/.objs
	@mkdir -p $$(@D)
	$$(call tn_echo,LD,$$(call tn_short,$$@))
	$$(Q)$$(LD) -r -o $$@ $$($(2)_OBJS)
endif
-include $$($(2)_OBJS:.o=.d)
TN_LDS_FRAGMENTS += $$($(2)_LDS-y)
TN_LDLIBS += $$($(2)_LDLIBS-y)
endef

TN_PARTIALS :=
TN_LDS_FRAGMENTS :=
TN_LDLIBS :=
TN_COMPDB_DIRS :=
$(foreach l,$(TN_LIBS),$(eval $(call tn_lib_rules,$(l),$(call tn_uc,$(l)))))

# Every build writes the compilation database of what it compiles, for clangd
# and IDEs (docs/build-system.md); it follows the per-library record files.
TN_COMPDB_LIST := $(TN_COMPDB_DIRS)
$(eval $(call tn_write_if_changed,$(O)/.compdb-dirs,TN_COMPDB_LIST))
$(O)/compile_commands.json: $(O)/.compdb-dirs $(addsuffix /.flags,$(TN_COMPDB_DIRS)) \
		$(addsuffix /.srcs,$(TN_COMPDB_DIRS)) $(addsuffix /.objs,$(TN_COMPDB_DIRS)) \
		$(TN_ROOT)/support/scripts/compdb.py
	$(call tn_echo,GEN,$(call tn_short,$@))
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/compdb.py $(APP_DIR) $(TN_COMPDB_DIRS) > $@
all: $(O)/compile_commands.json
endif

print-libs: $(TN_CONFIG_MK)
	$(Q)$(TNCONFIG) print-libs $(foreach e,$(TN_LIB_ENTRIES),$(if $(filter $(firstword $(subst =, ,$(e))),$(TN_LIBS)),$(e)))

.PHONY: print-libs
