UNIT_TESTS += fdt
fdt_SRCS := $(d)/src/fdt.cpp $(d)/src/property.cpp $(d)/src/query.cpp $(d)/src/platform.cpp \
	$(d)/src/index.cpp $(d)/tests/fdt_test.cpp $(d)/tests/query_test.cpp $(d)/tests/platform_test.cpp \
	$(d)/tests/index_test.cpp \
	$(d)/src/writer.cpp $(d)/tests/writer_test.cpp \
	$(d)/src/overlay.cpp $(d)/tests/overlay_test.cpp
