# Two coloured Tenon guests and one in one piece (partitions.dts), each the
# timer-driven test app checking a 4 MiB memory pattern at every tick: a page
# shared with another guest, or mapped to the wrong place, damages it.
TN_GUESTS := alpha beta gamma
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=5 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=4096
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_CONFIG := CONFIG_TICKER_TICKS=6 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=4096
TN_GUEST_gamma_APP := test/apps/ticker
TN_GUEST_gamma_CONFIG := CONFIG_TICKER_TICKS=7 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=4096
