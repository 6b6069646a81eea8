# make gdb / debug: boot the image halted under QEMU's gdb stub and attach gdb-multiarch.
