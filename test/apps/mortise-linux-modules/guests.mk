# Debian's stock kernel (scripts/linux-artifacts) with its built initramfs and the
# dt-overlay of apps/linux-tenon, and a Tenon guest ticking beside it, all given to this
# Mortise hypervisor image as boot modules: make uboot-image puts them on the disk and
# boot.scr names them in /chosen (test/qemu/uboot-mortise-linux-modules.test).
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
TN_GUEST_linux_DT_OVERLAY := apps/linux-tenon/overlay.dts
TN_GUEST_rt_APP := test/apps/ticker
TN_GUEST_rt_CONFIG := CONFIG_TICKER_TICKS=30 CONFIG_TICKER_PERIOD_MS=100
