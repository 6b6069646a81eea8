# Tenon <-> Linux userspace round trips (scripts/bench configuration
# ivc-linux-bench, docs/benchmarks.md): 'bench' (test/apps/ivc-bench, linux
# role) times ivc.linux_pingpong against `ivc-tool echo bench`, which
# rootfs/etc/ivc-bench starts as Linux's init. The doorbell reaches Linux
# userspace as a gpio-keys key (overlay.dts), as in apps/ivc-demo.
IVC_BENCH_SAMPLES ?= 1000
TN_GUESTS := linux bench
TN_GUEST_linux_LINUX := stock
TN_GUEST_linux_MODULES := gpio_keys evdev
TN_GUEST_linux_IVC_TOOL := y
TN_GUEST_linux_DT_OVERLAY := test/apps/bench-ivc-linux/overlay.dts
TN_GUEST_bench_APP := test/apps/ivc-bench
TN_GUEST_bench_CONFIG := CONFIG_IVC_BENCH_LINUX=y CONFIG_IVC_BENCH_SAMPLES=$(IVC_BENCH_SAMPLES) CONFIG_TN_ASSERT=n
