# Three Tenon guests as boot modules (docs/mortise.md "Boot modules"); the files on the disk
# for beta and gamma are damaged copies of their builds (rules in the Makefile), so Mortise
# refuses those two modules and runs alpha alone.
TN_GUESTS := alpha beta gamma
TN_GUEST_alpha_APP := test/apps/ticker
TN_GUEST_alpha_CONFIG := CONFIG_TICKER_TICKS=5
TN_GUEST_beta_APP := test/apps/ticker
TN_GUEST_beta_MODULE = $(O)/damaged/beta.bin
TN_GUEST_gamma_APP := test/apps/ticker
TN_GUEST_gamma_MODULE = $(O)/damaged/gamma.bin
