# Lifecycle of a mode-2 guest by hypercall (test/qemu/mode2-lifecycle.test):
# 'ctl' (mode 1, privileged) pauses, resumes, restarts and destroys 'worker',
# a ticker whose vCPU shares CPU 2 with 'peer', another ticker of the same
# priority, which must tick on undisturbed through all of it.
TN_GUESTS := ctl worker peer
TN_GUEST_ctl_APP := test/apps/mortise-ctl
TN_GUEST_ctl_CONFIG := CONFIG_MORTISE_CTL_CONTROL=y CONFIG_MORTISE_CTL_PAUSE_MS=400
TN_GUEST_worker_APP := test/apps/ticker
TN_GUEST_worker_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
TN_GUEST_peer_APP := test/apps/ticker
TN_GUEST_peer_CONFIG := CONFIG_TICKER_TICKS=70 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
