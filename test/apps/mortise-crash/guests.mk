# Crashing guests (test/qemu/mortise-crash.test): 'crasher' executes an
# undefined instruction, which Tenon reports and answers with PSCI SYSTEM_OFF;
# 'wrecker' crashes with its exception vectors outside its partition, which
# only Mortise can stop; 'survivor' must keep ticking after both.
TN_GUESTS := crasher wrecker survivor
TN_GUEST_crasher_APP := test/apps/faults
TN_GUEST_crasher_CONFIG := CONFIG_FAULTS_UNDEFINED=y CONFIG_DRV_IRQ_GICV3=y
TN_GUEST_wrecker_APP := test/apps/mortise-ctl
TN_GUEST_wrecker_CONFIG := CONFIG_MORTISE_CTL_CRASH=y
TN_GUEST_survivor_APP := test/apps/ticker
TN_GUEST_survivor_CONFIG := CONFIG_TICKER_TICKS=12 CONFIG_TICKER_PERIOD_MS=50
