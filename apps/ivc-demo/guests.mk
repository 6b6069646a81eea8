# The guests of apps/ivc-demo (support/make/hypervisor.mk): Debian's stock arm64
# kernel with ivc-tool in its initramfs, and the Tenon sensor guest (sensor/),
# joined by the channel 'telemetry' of partitions.dts.
TN_GUESTS := linux sensor
TN_GUEST_linux_LINUX := stock
# The doorbell reaches userspace through a gpio-keys key on the channel's
# interrupt (overlay.dts); evdev gives it a /dev/input/eventN (Debian's kernel
# has no uio_pdrv_genirq). Both are modules of the kernel's .deb.
TN_GUEST_linux_MODULES := gpio_keys evdev
TN_GUEST_linux_IVC_TOOL := y
TN_GUEST_linux_DT_OVERLAY := apps/ivc-demo/overlay.dts
TN_GUEST_sensor_APP := apps/ivc-demo/sensor
