# PSCI CPU_OFF of a guest's last vCPU (test/qemu/attack-cpu-off.test): the
# only guest, 'offer', powers off its only vCPU; Mortise must stop it as for
# SYSTEM_OFF, report it, and power off with no guest left running.
TN_GUESTS := offer
TN_GUEST_offer_APP := test/apps/mortise-ctl
TN_GUEST_offer_CONFIG := CONFIG_MORTISE_CTL_CPU_OFF=y
