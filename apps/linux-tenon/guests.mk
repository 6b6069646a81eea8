# The guests embedded in this combined host image (support/make/hypervisor.mk):
# Debian's stock arm64 kernel, fetched once by scripts/linux-artifacts into
# $TN_CACHE, with an initramfs built from busybox and this app's rootfs/; and
# a Tenon real-time guest (the timer-driven test app) ticking beside it.
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
# Mortise applies it to the tree it generates for Linux: a /tenon node (docs/linux-guest.md).
TN_GUEST_linux_DT_OVERLAY := apps/linux-tenon/overlay.dts
TN_GUEST_rt_APP := test/apps/ticker
TN_GUEST_rt_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=1000 CONFIG_TICKER_LATENCY=y
