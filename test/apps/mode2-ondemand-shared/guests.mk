# Mode-2 on-demand instances (test/qemu/mode2-ondemand-shared.test): 'ctl' (mode 1, CPU 1)
# creates instances by hypercall in a shared pool on CPU 2, where 'hog' (mode 2, priority 20,
# reserved 3 ms per 10 ms) spins for good; 'spin', 'secret' and 'probe' are the pool's
# images (no boot-time guest names them).
TN_GUESTS := ctl hog spin secret probe
TN_GUEST_ctl_APP := test/apps/ondemand-guest
TN_GUEST_ctl_CONFIG := CONFIG_ONDEMAND_GUEST_SHARED=y
TN_GUEST_hog_APP := test/apps/mode2-guest
TN_GUEST_hog_CONFIG := CONFIG_MODE2_GUEST_RUNAWAY=y
TN_GUEST_spin_APP := test/apps/mode2-guest
TN_GUEST_spin_CONFIG := CONFIG_MODE2_GUEST_SPINNER=y CONFIG_MODE2_GUEST_SPIN_MS=500 CONFIG_MODE2_GUEST_WINDOW_MS=50
TN_GUEST_secret_APP := test/apps/ondemand-guest
TN_GUEST_secret_CONFIG := CONFIG_ONDEMAND_GUEST_SECRET=y CONFIG_ONDEMAND_GUEST_RAM_MIB=8
TN_GUEST_probe_APP := test/apps/ondemand-guest
TN_GUEST_probe_CONFIG := CONFIG_ONDEMAND_GUEST_PROBE=y CONFIG_ONDEMAND_GUEST_RAM_MIB=8
