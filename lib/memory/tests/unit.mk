UNIT_TESTS += memory
memory_SRCS := $(d)/src/buddy_zone.cpp $(d)/src/page_alloc.cpp $(d)/src/tlsf.cpp \
	$(d)/src/object_pool.cpp \
	$(d)/tests/page_alloc_test.cpp $(d)/tests/tlsf_test.cpp $(d)/tests/object_pool_test.cpp \
	$(d)/tests/stack_window_test.cpp
memory_INCLUDES := $(d)/src
