# Two instances of the timer-driven test app (as apps/mortise-two-tenons), here joined by an
# inter-VM channel they do not use: Mortise carves, maps and describes it, and both still run.
TN_GUESTS := alpha beta
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=10
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_CONFIG := CONFIG_TICKER_TICKS=15 CONFIG_TICKER_PERIOD_MS=70
