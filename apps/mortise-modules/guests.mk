# A Mortise hypervisor image: these guests are built but not embedded; make uboot-image
# puts them on the disk and boot.scr hands them to Mortise as boot modules
# (docs/mortise.md "Boot modules").
TN_GUESTS := alpha beta
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=5
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_CONFIG := CONFIG_TICKER_TICKS=7 CONFIG_TICKER_PERIOD_MS=70
