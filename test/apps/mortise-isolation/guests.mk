# Isolation test (test/qemu/attack-isolation.test): 'victim' ticks and checks
# its memory pattern; 'rogue' writes, after 3 ticks, to 0x08080000: inside the
# device window its own (Tenon) page tables map, where QEMU virt has its GIC
# ITS, which Mortise gives no guest. Stage 2 must stop it there.
TN_GUESTS := victim rogue
TN_GUEST_victim_APP := test/apps/ticker
TN_GUEST_victim_CONFIG := CONFIG_TICKER_TICKS=12 CONFIG_TICKER_PERIOD_MS=50
TN_GUEST_rogue_APP := test/apps/ticker
TN_GUEST_rogue_CONFIG := CONFIG_TICKER_TICKS=12 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_ROGUE=y \
	CONFIG_TICKER_ROGUE_AFTER=3 CONFIG_TICKER_ROGUE_ADDRESS=0x08080000
