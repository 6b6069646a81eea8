# Device-tree discovery on Debian's real rk356x trees (scripts/rk3568-dtbs;
# skipped, with the reason, when TN_RK3568_DTBS is not set).
UNIT_TESTS += rk3568
rk3568_SRCS := $(d)/src/discover.cpp $(d)/tests/rk3568_dt_test.cpp \
	$(TN_ROOT)/drivers/serial/ns16550/src/config.cpp \
	$(addprefix $(TN_ROOT)/lib/fdt/src/,fdt.cpp property.cpp query.cpp platform.cpp index.cpp writer.cpp)
rk3568_INCLUDES := $(TN_ROOT)/lib/fdt/src
