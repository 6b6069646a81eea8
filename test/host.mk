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
tn_test_mks = $(sort $(wildcard $(addsuffix /tests/$(1),$(LIB_DIRS))) $(wildcard $(TN_ROOT)/support/*/tests/$(1)))
# nolibc's include/ holds libc headers (string.h) that must not shadow the host's.
HOST_INCLUDES := $(addprefix -I,$(filter-out %/lib/nolibc/include,$(wildcard $(addsuffix /include,$(LIB_DIRS)))))
