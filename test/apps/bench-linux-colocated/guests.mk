# boot.linux.colocated (scripts/bench, docs/benchmarks.md): Debian's stock
# kernel beside a Tenon guest ticking every 100 ms (a 256 KiB memory pattern
# check and a line of output per tick), to Linux's init marker.
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
TN_GUEST_rt_APP := test/apps/ticker
TN_GUEST_rt_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=100 CONFIG_TN_ASSERT=n
