# Lifecycle by hypercall (test/qemu/mortise-lifecycle.test): 'ctl' (privileged)
# lists the guests and pauses, resumes, restarts and destroys 'worker', a
# ticker that would otherwise tick for minutes; 'nopriv' tries the same calls
# without the privilege and must get DENIED.
TN_GUESTS := ctl worker nopriv
TN_GUEST_ctl_APP := test/apps/mortise-ctl
TN_GUEST_ctl_CONFIG := CONFIG_MORTISE_CTL_CONTROL=y CONFIG_MORTISE_CTL_PAUSE_MS=400
TN_GUEST_worker_APP := test/apps/ticker
TN_GUEST_worker_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
TN_GUEST_nopriv_APP := test/apps/mortise-ctl
TN_GUEST_nopriv_CONFIG := CONFIG_MORTISE_CTL_DENIED=y CONFIG_PLAT_MORTISE_GUEST_HVC_CONSOLE=n
