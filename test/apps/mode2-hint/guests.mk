# Scheduling hints (test/qemu/mode2-hint.test, scripts/bench's mode2-double-sched): on CPU 1 'rt'
# (priority 5, max-priority 20) runs a 1 kHz control task over a CPU-bound background thread and
# reports each switch's priority to Mortise, while 'hog' (priority 10, CPU-bound after a delay)
# measures its share of the CPU. CPU 2 has the same pair with 'nohint', the same image as 'rt'
# described without max-priority: Mortise refuses its hints, so its control task waits behind
# 'hog2'. CPU 3 has 'rt2', the same image as 'rt', beside 'peer', CPU-bound at rt2's base priority:
# each time rt2's hints lower it back to its base it goes behind peer, so peer gets its time slices
# (MODE2_HINT_PEER_MIN per mille at least).
MODE2_HINT_PERIODS ?= 300
MODE2_HINT_SHARE_MS ?= 200
MODE2_HINT_SHARE_MIN ?= 250
MODE2_HINT_PEER_MIN ?= 20
TN_GUESTS := rt hog nohint hog2 rt2 peer
TN_GUEST_rt_APP := test/apps/mode2-hint-guest
TN_GUEST_rt_CONFIG := CONFIG_MODE2_HINT_PERIODS=$(MODE2_HINT_PERIODS) $(MODE2_HINT_EXTRA)
TN_GUEST_nohint_APP := test/apps/mode2-hint-guest
TN_GUEST_nohint_CONFIG := CONFIG_MODE2_HINT_PERIODS=$(MODE2_HINT_PERIODS) $(MODE2_HINT_EXTRA)
TN_GUEST_hog_APP := test/apps/mode2-guest
TN_GUEST_hog_CONFIG := CONFIG_MODE2_GUEST_SHARE=y CONFIG_MODE2_GUEST_SHARE_DELAY_MS=50 \
	CONFIG_MODE2_GUEST_SHARE_MS=$(MODE2_HINT_SHARE_MS) CONFIG_MODE2_GUEST_SHARE_MIN=$(MODE2_HINT_SHARE_MIN) \
	$(MODE2_HINT_HOG_EXTRA)
TN_GUEST_hog2_APP := test/apps/mode2-guest
TN_GUEST_hog2_CONFIG := CONFIG_MODE2_GUEST_SHARE=y CONFIG_MODE2_GUEST_SHARE_DELAY_MS=50 \
	CONFIG_MODE2_GUEST_SHARE_MS=$(MODE2_HINT_SHARE_MS) CONFIG_MODE2_GUEST_SHARE_MIN=900
TN_GUEST_rt2_APP := test/apps/mode2-hint-guest
TN_GUEST_rt2_CONFIG := CONFIG_MODE2_HINT_PERIODS=$(MODE2_HINT_PERIODS) $(MODE2_HINT_EXTRA)
TN_GUEST_peer_APP := test/apps/mode2-guest
TN_GUEST_peer_CONFIG := CONFIG_MODE2_GUEST_SHARE=y CONFIG_MODE2_GUEST_SHARE_DELAY_MS=50 \
	CONFIG_MODE2_GUEST_SHARE_MS=$(MODE2_HINT_SHARE_MS) CONFIG_MODE2_GUEST_SHARE_MIN=$(MODE2_HINT_PEER_MIN)
