# Mode-2 scheduling (test/qemu/mode2-sched.test): 'rt', 'spin-a' and 'spin-b'
# share CPU 1, scheduled by Mortise with lib/sched; 'rt' (priority 20) wakes
# every 5 ms for 200 periods and must miss no deadline while the two spinners
# (priority 5, CPU-bound) share the rest by round-robin. 'solo', a mode-1
# ticker, has CPU 2 to itself meanwhile.
TN_GUESTS := rt spin-a spin-b solo
TN_GUEST_rt_APP := test/apps/mode2-guest
TN_GUEST_rt_CONFIG := CONFIG_MODE2_GUEST_PERIODIC=y
TN_GUEST_spin-a_APP := test/apps/mode2-guest
TN_GUEST_spin-a_CONFIG := CONFIG_MODE2_GUEST_SPINNER=y
TN_GUEST_spin-b_APP := test/apps/mode2-guest
TN_GUEST_spin-b_CONFIG := CONFIG_MODE2_GUEST_SPINNER=y
TN_GUEST_solo_APP := test/apps/ticker
TN_GUEST_solo_CONFIG := CONFIG_TICKER_TICKS=10 CONFIG_TICKER_PERIOD_MS=50 CONFIG_TICKER_PATTERN_KIB=64
