# TenonOS top level. Applications are built from their own directory
# (make -C apps/<app> ...); this Makefile holds the repository-wide targets.

PYTHON := /usr/bin/python3

help:
	@echo 'TenonOS: one make generates a bootable AArch64 system for one application.'
	@echo
	@echo 'Repository targets:'
	@echo '  make deps         install missing build/test tools with apt-get (as root)'
	@echo '  make run          build apps/helloworld and boot it in QEMU'
	@echo '  make test         the whole test suite: host unit tests, fuzzing (short),'
	@echo '                    QEMU boot tests, build-framework tests'
	@echo '                    (TESTS=pattern runs only matching tests, -j is not needed)'
	@echo '  make unit         host unit tests only (GoogleTest)'
	@echo '  make fuzz-long    every fuzzer for 10 minutes'
	@echo '  make bench        benchmark suite in QEMU: build/bench/results.json, report.md,'
	@echo '                    *.svg (docs/benchmarks.md; BENCH_OUT=dir moves the output)'
	@echo '  make bench-smoke  every benchmark metric with few samples, fails if one is'
	@echo '                    missing or not positive (part of make test)'
	@echo '  make docs         API reference from the public headers with doxygen:'
	@echo '                    build/docs/html/index.html (DOCS_OUT=dir moves it);'
	@echo '                    fails on any doxygen warning (an undocumented function)'
	@echo '  make coverage     line coverage of the production code by the host unit'
	@echo '                    tests (gcov; build/coverage, COVERAGE_OUT=dir moves it)'
	@echo '  make metrics      code lines per directory and function-length figures'
	@echo '                    (METRICS_REV=rev measures a git revision instead)'
	@echo '  make generate GOAL="..." APP=dir'
	@echo '                    a configuration and app skeleton from a one-sentence goal'
	@echo '                    (CHECK=1 also builds and boots it; docs/generate.md)'
	@echo '  make libgraph     the library relation graph of the Kconfig tree:'
	@echo '                    build/libgraph/libgraph.json and .svg (LIBGRAPH_OUT=dir)'
	@echo '  make clean        remove build/ and every application build directory'
	@echo
	@echo 'Per application (see make -C apps/helloworld help):'
	@echo '  make -C apps/<app> [menuconfig|defconfig|savedefconfig|run|uboot-image|run-uboot|sizes|print-libs]'
	@echo
	@echo 'Applications: $(notdir $(patsubst %/Makefile,%,$(wildcard apps/*/Makefile)))'

deps:
	@scripts/deps

run:
	@$(MAKE) --no-print-directory -C apps/helloworld run

test:
	@$(PYTHON) test/run $(if $(TESTS),--only '$(TESTS)')

unit:
	@$(MAKE) --no-print-directory -C test/unit run

fuzz-long:
	@$(MAKE) --no-print-directory -C test/fuzz long

BENCH_OUT ?= build/bench
bench:
	@$(PYTHON) scripts/bench --out '$(BENCH_OUT)'

bench-smoke:
	@$(PYTHON) scripts/bench --smoke --parallel 2 --out '$(if $(filter build/bench,$(BENCH_OUT)),build/bench-smoke,$(BENCH_OUT))'

# API reference (support/docs/Doxyfile): every warning is an error, and a
# public member without documentation is a warning.
DOCS_OUT ?= build/docs
docs:
	@command -v doxygen >/dev/null || { echo 'make docs needs doxygen: apt-get install doxygen (or scripts/deps)' >&2; exit 1; }
	@mkdir -p '$(DOCS_OUT)'
	@TN_DOCS_OUT='$(abspath $(DOCS_OUT))' TN_DOCS_STRIP='$(CURDIR)' \
	 TN_DOCS_INCLUDE_ROOTS='$(addprefix $(CURDIR)/,$(wildcard lib/*/include plat/*/include))' \
	 TN_DOCS_INPUT='$(addprefix $(CURDIR)/,$(wildcard lib/*/include/tn plat/*/include/tn) support/docs/mainpage.md)' \
	 doxygen support/docs/Doxyfile
	@echo 'API reference: $(DOCS_OUT)/html/index.html'

COVERAGE_OUT ?= build/coverage
coverage:
	@$(PYTHON) support/scripts/coverage.py --out '$(COVERAGE_OUT)'

metrics:
	@$(PYTHON) support/scripts/code_metrics.py $(if $(METRICS_REV),--rev '$(METRICS_REV)')

# The goal goes to the script through the environment, so quotes and dollars in it stay as typed.
generate: export TN_GOAL = $(value GOAL)
generate:
	@$(if $(strip $(GOAL)),,$(error make generate needs GOAL="what the application must do", e.g. make generate GOAL="a 1 kHz control loop with floating-point PID, as small as possible" APP=apps/myctl))
	@$(if $(strip $(APP)),,$(error make generate needs APP=dir: the application directory to write (created if new)))
	@$(PYTHON) support/generate/generate.py --goal-env TN_GOAL --app '$(APP)' $(if $(filter 1 y yes,$(CHECK)),--check)

LIBGRAPH_OUT ?= build/libgraph
libgraph:
	@mkdir -p '$(LIBGRAPH_OUT)/kconfig' && : > '$(LIBGRAPH_OUT)/kconfig/external.uk'
	@srctree='$(CURDIR)' TN_APP_DIR='$(CURDIR)/apps/helloworld' TN_BUILD_DIR='$(abspath $(LIBGRAPH_OUT))' \
	 $(PYTHON) support/kconfig/libgraph.py Config.uk '$(LIBGRAPH_OUT)'

clean:
	rm -rf build apps/*/build

.PHONY: help deps run test unit fuzz-long bench bench-smoke docs coverage metrics generate libgraph clean
