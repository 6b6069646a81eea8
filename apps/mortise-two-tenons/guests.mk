# The guests embedded in this combined host image (support/make/hypervisor.mk):
# two instances of the timer-driven test app, each built with its own
# configuration; partitions.dts gives each its own CPU and RAM.
TN_GUESTS := alpha beta
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=10
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_CONFIG := CONFIG_TICKER_TICKS=15 CONFIG_TICKER_PERIOD_MS=70
