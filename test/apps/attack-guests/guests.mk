# Attacks on Mortise (test/qemu/attack-*.test): one image for all of them, so
# that the descriptors share one build; each checks its own attacker's lines.
# 'victim' ticks with its memory pattern checked and its timer lateness
# measured while test/apps/attack guests, each on its own CPU, attempt one
# attack each: 'pmu', 'debug', 'impdef', 'execdev', 'emulation', 'flood'.
TN_GUESTS := victim pmu debug impdef execdev emulation flood
TN_GUEST_victim_APP := test/apps/ticker
TN_GUEST_victim_CONFIG := CONFIG_TICKER_TICKS=90 CONFIG_TICKER_PERIOD_MS=40 CONFIG_TICKER_LATENCY=y \
	CONFIG_TICKER_DISTURBANCE=y CONFIG_TICKER_DISTURB_FROM=26 CONFIG_TICKER_PATTERN_KIB=1024
TN_GUEST_pmu_APP := test/apps/attack
TN_GUEST_pmu_CONFIG := CONFIG_ATTACK_PMU=y
TN_GUEST_debug_APP := test/apps/attack
TN_GUEST_debug_CONFIG := CONFIG_ATTACK_DEBUG=y
TN_GUEST_impdef_APP := test/apps/attack
TN_GUEST_impdef_CONFIG := CONFIG_ATTACK_IMPDEF=y
TN_GUEST_execdev_APP := test/apps/attack
TN_GUEST_execdev_CONFIG := CONFIG_ATTACK_EXEC_DEVICE=y
TN_GUEST_emulation_APP := test/apps/attack
TN_GUEST_emulation_CONFIG := CONFIG_ATTACK_EMULATION=y
TN_GUEST_flood_APP := test/apps/attack
TN_GUEST_flood_CONFIG := CONFIG_ATTACK_TLBI_FLOOD=y CONFIG_ATTACK_FLOOD_MS=4200
