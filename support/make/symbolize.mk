# make symbolize LOG=file: name the functions behind the addresses in a captured console log.
#
# Copies LOG to standard output with " <function+0xoffset>" after every address
# that falls in the image (run-time addresses are mapped back with the load
# offset each fault report prints) and the source line on a report's PC and LR
# lines (support/scripts/symbolize.py). SYMBOLIZE_ELF names another ELF, e.g.
# a guest's, for a log line that came from it.

ifeq ($(TN_CONFIG_LOADED),y)
SYMBOLIZE_ELF ?= $(TN_IMAGE).elf
# A relative LOG= is looked up where make was started too (make -C changes directory).
TN_SYMBOLIZE_LOG = $(firstword $(wildcard $(LOG) $(if $(filter /%,$(LOG)),,$(PWD)/$(LOG))))

symbolize:
	$(if $(LOG),,$(error make symbolize needs LOG=<file>: a console log of this image, \
		e.g. from 'make run 2>&1 | tee run.log' or a serial terminal's capture))
	$(if $(TN_SYMBOLIZE_LOG),,$(error LOG=$(LOG): no such file))
	$(if $(wildcard $(SYMBOLIZE_ELF)),,$(error $(SYMBOLIZE_ELF) does not exist: build the image \
		that wrote the log first (make), with the same configuration))
	$(call tn_need_cross,$(CROSS_COMPILE)nm,binutils-aarch64-linux-gnu)
	$(call tn_need_cross,$(CROSS_COMPILE)addr2line,binutils-aarch64-linux-gnu)
	$(Q)$(PYTHON) $(TN_ROOT)/support/scripts/symbolize.py --elf $(SYMBOLIZE_ELF) \
		--cross $(CROSS_COMPILE) --root $(TN_ROOT) $(TN_SYMBOLIZE_LOG)
else
# First pass: config.mk is being generated; make restarts once it exists.
symbolize:
endif
.PHONY: symbolize
