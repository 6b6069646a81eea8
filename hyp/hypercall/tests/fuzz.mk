FUZZERS += hypercall
hypercall_SRCS := $(d)/src/table.cpp $(d)/src/groups.cpp $(TN_ROOT)/lib/console/src/format.cpp \
	$(d)/tests/hypercall_fuzz.cpp
hypercall_ARGS := -max_len=1140
hypercall_SEEDS := $(O)/seeds/hypercall

# Seeds: one record per known function (x0 = its index), privileged and not, with arguments
# that pass validation (x1 = 0x40000010, x2 = 8, x3 = 32), so the fuzzer starts inside handlers.
$(hypercall_SEEDS)/.stamp:
	@mkdir -p $(@D)
	$(Q)for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do for who in 0 1; do \
		x0=$$(printf '\\%03o' $$i); \
		printf "\\$$(printf %03o $$who)$$x0\0\0\0\0\0\0\0\20\0\0\100\0\0\0\0\10\0\0\0\0\0\0\0\40\0\0\0\0\0\0\0" \
			> $(@D)/call-$$i-$$who; \
		head -c 24 /dev/zero >> $(@D)/call-$$i-$$who; done; done
	@touch $@
