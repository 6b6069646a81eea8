# On-demand instances (test/qemu/mode2-ondemand.test): 'ctl' is the only guest
# the description starts; 'tick', 'secret' and 'probe' are embedded for the
# instance pool alone (no boot-time guest names them).
TN_GUESTS := ctl tick secret probe
TN_GUEST_ctl_APP := test/apps/ondemand-guest
TN_GUEST_ctl_CONFIG := CONFIG_ONDEMAND_GUEST_CTL=y
TN_GUEST_tick_APP := test/apps/ticker
TN_GUEST_tick_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
TN_GUEST_secret_APP := test/apps/ondemand-guest
TN_GUEST_secret_CONFIG := CONFIG_ONDEMAND_GUEST_SECRET=y CONFIG_ONDEMAND_GUEST_RAM_MIB=32
TN_GUEST_probe_APP := test/apps/ondemand-guest
TN_GUEST_probe_CONFIG := CONFIG_ONDEMAND_GUEST_PROBE=y CONFIG_ONDEMAND_GUEST_RAM_MIB=32
