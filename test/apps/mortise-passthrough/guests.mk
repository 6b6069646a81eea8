# Pass-through (test/qemu/mortise-passthrough.test): 'rtc' owns QEMU's PL031
# (its MMIO page and SPI 2 = INTID 34) and takes alarm interrupts forwarded by
# Mortise while the privileged 'ctl' pauses, resumes, restarts and destroys it; 'nortc' runs the same app without the device, so its
# device tree has no PL031; 'ticker' ticks beside them. 'flood' has 14 SGIs
# pending at once, more than the list registers hold: the rest arrive only
# through Mortise's maintenance interrupt.
TN_GUESTS := rtc nortc ticker flood ctl
TN_GUEST_rtc_APP := test/apps/rtc-alarm
TN_GUEST_rtc_CONFIG := CONFIG_RTC_ALARM_COUNT=60
TN_GUEST_nortc_APP := test/apps/rtc-alarm
TN_GUEST_ticker_APP := test/apps/ticker
TN_GUEST_ticker_CONFIG := CONFIG_TICKER_TICKS=30 CONFIG_TICKER_PERIOD_MS=100
TN_GUEST_flood_APP := test/apps/sgi-flood
TN_GUEST_ctl_APP := test/apps/mortise-ctl
TN_GUEST_ctl_CONFIG := CONFIG_MORTISE_CTL_CONTROL=y CONFIG_MORTISE_CTL_TARGET=\"rtc\" CONFIG_MORTISE_CTL_PAUSE_MS=2500
