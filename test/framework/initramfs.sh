# The initramfs writer (support/scripts/newc.py) and scripts/linux-initramfs,
# on the host: entries read back (and listed by cpio when installed),
# overlays keep modes, rebuilds are byte-identical. Needs no Linux artifacts.
source "$(dirname "$0")/common.bash"
out=$(cd "$SRC_ROOT" && /usr/bin/python3 -m unittest discover -s support/scripts -p newc_test.py 2>&1) ||
    { printf '%s\n' "$out"; fail "newc_test.py failed"; }
printf '%s\n' "$out" | tail -3
echo ok
