# Debian's stock kernel (scripts/linux-artifacts) beside a Tenon guest ticking
# every 100 ms (test/qemu/linux-boot.test).
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
TN_GUEST_rt_APP := test/apps/ticker
TN_GUEST_rt_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=100
