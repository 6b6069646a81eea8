# Shared by test/unit and test/fuzz: where the tree is, every library directory,
# and the host include path (every library's exported include/).
# Include it with TN_HOST_DEFAULT_O set to the default build directory.

TN_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
O ?= $(TN_HOST_DEFAULT_O)
override O := $(abspath $(O))

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_DIRS := $(patsubst %/Config.uk,%,$(wildcard $(addprefix $(TN_ROOT)/,\
	arch/*/Config.uk plat/*/Config.uk drivers/*/*/Config.uk lib/*/Config.uk hyp/*/Config.uk)))
# <lib>/tests/$(1) of every library, plus support tools' tests.
tn_test_mks = $(sort $(wildcard $(addsuffix /tests/$(1),$(LIB_DIRS) $(HOST_ARCH))) \
	$(wildcard $(TN_ROOT)/support/*/tests/$(1)))
# nolibc's, newlib's and posix's include/ hold libc headers (string.h,
# sys/features.h, pthread.h) that must not shadow the host's.
# arch/fake (the arch contract on the host; no Config.uk, so never part of a
# target image) comes first: its tn/arch/ headers shadow arm64's, which stay
# reachable for arm64's own pure-logic tests (ESR decoding, page tables).
# Host tests that use the contract link $(HOST_ARCH_SRCS).
HOST_ARCH := $(TN_ROOT)/arch/fake
HOST_ARCH_SRCS := $(wildcard $(HOST_ARCH)/src/*.cpp)
HOST_INCLUDES := -I$(HOST_ARCH)/include \
	$(addprefix -I,$(filter-out %/lib/nolibc/include %/lib/newlib/include %/lib/posix/include,$(wildcard $(addsuffix /include,$(LIB_DIRS)))))

# TN_ASSERT (tn/assert.hpp) is on in every host build; test/host_assert.cpp
# reports a failed one and aborts, so gtest's EXPECT_DEATH can check it.
HOST_ASSERT_FLAGS := -DCONFIG_TN_ASSERT=1
HOST_SUPPORT_SRCS := $(TN_ROOT)/test/host_assert.cpp

# Rules for one host binary built from $(NAME_SRCS) (all under TN_ROOT) and
# $(HOST_SUPPORT_SRCS):
#   $(call tn_host_binary_rules,NAME,P,LABEL[,NAMES])
# P names the tool set: compiler $(P)CXX, flags $(P)_CXXFLAGS, $(P)_LDFLAGS,
# $(P)_LIBS (variable names, since flags contain commas); LABEL prefixes the
# short output line. The binary goes to $(O)/NAME.
# $(NAME_LDFLAGS), if set, is added to the link (e.g. a linker script).
# Objects are shared between binaries built with the same flags: NAMES lists
# every binary of the tool set, and NAME's objects go to $(O)/obj/GROUP/, GROUP
# being the first of NAMES whose $(X_INCLUDES) and $(X_CXXFLAGS) equal NAME's
# (NAME itself without NAMES), so a library source that many tests link is
# compiled once per set of flags instead of once per test.
tn_host_flags = flags: $($(1)_INCLUDES) | $($(1)_CXXFLAGS)
tn_host_same = $(and $(findstring $(1),$(2)),$(findstring $(2),$(1)))
tn_host_group = $(or $(firstword $(foreach u,$(2),\
	$(if $(call tn_host_same,$(call tn_host_flags,$(u)),$(call tn_host_flags,$(1))),$(u)))),$(1))

define tn_host_binary_rules
$(1)_GROUP := $$(call tn_host_group,$(1),$(4))
$(1)_OBJS := $$(patsubst $(TN_ROOT)/%.cpp,$(O)/obj/$$($(1)_GROUP)/%.o,$$($(1)_SRCS) $(HOST_SUPPORT_SRCS))
$(O)/obj/$$($(1)_GROUP)/%.o: $(TN_ROOT)/%.cpp
	@mkdir -p $$(@D)
	@$(if $(Q),printf '  %-7s %s\n' $(2)CXX $$(patsubst $(TN_ROOT)/%,%,$$<))
	$(Q)$$($(2)CXX) $$($(2)_CXXFLAGS) $$(addprefix -I,$$($(1)_INCLUDES)) $$($(1)_CXXFLAGS) -c $$< -o $$@
$(O)/$(1): $$($(1)_OBJS)
	@$(if $(Q),printf '  %-7s %s\n' $(2)LD $(3)/$(1))
	$(Q)$$($(2)CXX) $$($(2)_LDFLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$($(2)_LIBS)
-include $$($(1)_OBJS:.o=.d)
endef
