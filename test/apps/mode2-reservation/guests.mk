# Mode-2 reservation (test/qemu/mode2-reservation.test): 'hog' and 'victim'
# share CPU 1. 'hog' (priority 20) spins forever, but its description
# reserves it 3 ms per 10 ms, so lib/sched throttles its vCPU for the rest of
# each period and 'victim' (priority 5, CPU-bound) gets about 70% of the CPU,
# which it measures over 1 s. Without the reservation it would get nothing.
TN_GUESTS := hog victim
TN_GUEST_hog_APP := test/apps/mode2-guest
TN_GUEST_hog_CONFIG := CONFIG_MODE2_GUEST_RUNAWAY=y
TN_GUEST_victim_APP := test/apps/mode2-guest
TN_GUEST_victim_CONFIG := CONFIG_MODE2_GUEST_SHARE=y CONFIG_MODE2_GUEST_SHARE_MIN=650 CONFIG_MODE2_GUEST_SHARE_MAX=710
