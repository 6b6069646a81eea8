# Debian's stock kernel given a virtio-blk disk (test/qemu/linux-virtio-blk.test)
# beside a Tenon guest ticking every 100 ms. virtio_mmio and virtio_blk are
# modules in Debian's kernel, and so is ext4 (which mounts ext2): /init loads
# them from the initramfs, with crc32c_generic, which ext4 asks the crypto API
# for at every mount.
TN_GUESTS := linux rt
TN_GUEST_linux_LINUX := stock
TN_GUEST_linux_MODULES := virtio_mmio virtio_blk ext4 crc32c_generic
TN_GUEST_rt_APP := test/apps/ticker
TN_GUEST_rt_CONFIG := CONFIG_TICKER_TICKS=100000 CONFIG_TICKER_PERIOD_MS=100
# Guest 'linux' has fixed RAM at 0x60000000: QEMU gets 1 GiB (0x40000000-0x80000000).
TN_HYP_QEMU_MEM := 1G
