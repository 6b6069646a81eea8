# Kconfig: every operation goes through support/kconfig/tnconfig.py, which turns
# each Kconfiglib warning into an error naming the symbol.

TN_KCONFIG := $(TN_ROOT)/Config.uk
TN_CONFIG_H := $(O)/include/generated/config.h
TN_CONFIG_MK := $(O)/config.mk
TN_CONFIG_DEPDIR := $(O)/include/config
TNCONFIG = srctree=$(TN_ROOT) TN_APP_DIR=$(APP_DIR) TN_BUILD_DIR=$(O) \
	$(PYTHON) $(TN_ROOT)/support/kconfig/tnconfig.py $(TN_KCONFIG) $(C)

TN_KCONFIG_FILES := $(TN_KCONFIG) $(sort $(wildcard $(addprefix $(TN_ROOT)/,\
	arch/*/Config.uk plat/*/Config.uk drivers/*/*/Config.uk lib/*/Config.uk hyp/*/Config.uk))) \
	$(wildcard $(APP_DIR)/Config.uk) $(wildcard $(addsuffix /Config.uk,$(TN_EXT_DIRS)))

# External libraries enter the Kconfig tree through a generated file that the
# root Config.uk sources; it is rewritten only when L= changes.
$(foreach d,$(TN_EXT_DIRS),$(if $(wildcard $(d)/Config.uk),,\
	$(error L=$(d): no Config.uk there (an external library directory holds Config.uk and Makefile.uk))))
$(shell mkdir -p $(O)/kconfig)
define TN_NL


endef
TN_EXT_KCONFIG := $(foreach d,$(TN_EXT_DIRS),source "$(d)/Config.uk"$(TN_NL))
ifneq ($(strip $(file <$(O)/kconfig/external.uk)) $(wildcard $(O)/kconfig/external.uk),$(strip $(TN_EXT_KCONFIG)) $(O)/kconfig/external.uk)
$(file >$(O)/kconfig/external.uk,$(TN_EXT_KCONFIG))
endif
# The list of Kconfig files: a library dropped in or removed changes it.
ifneq ($(strip $(file <$(O)/kconfig/files.list)) $(wildcard $(O)/kconfig/files.list),$(strip $(TN_KCONFIG_FILES)) $(O)/kconfig/files.list)
$(file >$(O)/kconfig/files.list,$(TN_KCONFIG_FILES))
endif

menuconfig:
	$(Q)$(TNCONFIG) menuconfig

defconfig:
	$(Q)mkdir -p $(dir $(C))
	$(Q)$(TNCONFIG) defconfig $(DEFCONFIG)

olddefconfig:
	$(Q)$(TNCONFIG) olddefconfig

savedefconfig:
	$(Q)$(TNCONFIG) savedefconfig $(if $(filter $(APP_DIR)/defconfig,$(DEFCONFIG)),$(APP_DIR)/defconfig,$(DEFCONFIG))

listnewconfig:
	$(Q)$(TNCONFIG) listnewconfig

# The same strict check every build runs before generating config.h.
checkconfig:
	$(Q)$(TNCONFIG) check

setconfig:
	$(if $(SET),,$(error usage: make setconfig SET="NAME=VALUE [NAME=VALUE ...]"))
	$(Q)mkdir -p $(dir $(C))
	$(Q)$(TNCONFIG) set $(SET)

.PHONY: menuconfig defconfig olddefconfig savedefconfig listnewconfig setconfig checkconfig

ifneq ($(TN_BUILD_GOALS),)
# A build without a configuration starts from the application's defconfig (or
# the Kconfig defaults when the application has none).
$(C):
	$(Q)mkdir -p $(dir $(C))
	$(Q)$(if $(wildcard $(DEFCONFIG)),$(TNCONFIG) defconfig $(DEFCONFIG),$(TNCONFIG) set TN_DEBUG_SYMBOLS=y)

# genconfig rewrites config.h and the symbol stamp files only where values
# changed (Kconfiglib sync_deps), so objects rebuild per option; config.mk is
# always rewritten so that make sees it as current.
$(TN_CONFIG_MK): $(C) $(TN_KCONFIG_FILES) $(O)/kconfig/files.list $(O)/kconfig/external.uk
	$(call tn_echo,GENCONFIG,$(call tn_short,$(TN_CONFIG_H)))
	$(Q)$(TNCONFIG) genconfig $(TN_CONFIG_H) $(TN_CONFIG_MK) $(TN_CONFIG_DEPDIR)
	$(Q)touch $(TN_CONFIG_MK)

include $(TN_CONFIG_MK)
endif
