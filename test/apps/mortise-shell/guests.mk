# The Mortise shell on the console (test/qemu/mortise-shell.test): 'alpha'
# and 'beta' tick every 50 ms for minutes unless the shell stops them; 'gamma'
# echoes the lines it is given (test/apps/uart-echo), which shows which guest
# the console input goes to after Ctrl-A N.
TN_GUESTS := alpha beta gamma
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
TN_GUEST_gamma_APP := test/apps/uart-echo
TN_GUEST_gamma_CONFIG := CONFIG_DRV_IRQ_GICV3=y
