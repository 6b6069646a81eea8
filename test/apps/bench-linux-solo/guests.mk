# boot.linux.solo (scripts/bench, docs/benchmarks.md): Debian's stock kernel
# alone under Mortise, to its init marker and power-off.
TN_GUESTS := linux
TN_GUEST_linux_LINUX := stock
