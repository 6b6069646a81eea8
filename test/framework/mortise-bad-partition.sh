# A bad partition description fails the build of a combined host image with
# file:line: node: reason, and no image is produced: a copy of
# apps/mortise-two-tenons (in a scratch directory, built against this tree)
# gets, one at a time, overlapping fixed memory, a CPU given to two guests,
# memory outside RAM, an image no guest provides, LLC colours in an image
# without colouring and a colour given to two guests. The good description
# then builds, and fails again once the image's TN_MAX_CPUS leaves a CPU it
# gives a guest off (with no change to the description: the check reruns).
# A copy of test/apps/mode2-reservation (its description only, the build's
# partitions.dtb target) fails with mode-2 reservations that are not
# schedulable on their CPU or an unreserved guest above a reserved one.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
APP="$SCRATCH/mortise-two-tenons"
cp -r "$SRC_ROOT/apps/mortise-two-tenons" "$APP"
rm -rf "$APP/build"
GOOD="$SCRATCH/partitions.dts.good"
cp "$APP/partitions.dts" "$GOOD"
BUILD="$SCRATCH/build"
IMAGE="$BUILD/mortise-two-tenons_qemu-virt.bin"
mk() { make -C "$APP" TN_ROOT="$SRC_ROOT" O="$BUILD" "$@"; }
mk -s defconfig >/dev/null

# bad_case WHAT PATTERN EDIT...: each EDIT is "node|old|new", replacing the
# first 'old' inside guest 'node' of the good description; make must fail
# with PATTERN and produce neither the image nor the compiled description.
bad_case() {
    local what=$1 pattern=$2 out
    shift 2
    /usr/bin/python3 - "$GOOD" "$APP/partitions.dts" "$@" <<'PY'
import sys
good, bad, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(good).read()
for e in edits:
    node, old, new = e.split("|")
    start = text.index("\t" + node + " {")
    end = text.index("};", start)
    body = text[start:end]
    assert old in body, (node, old)
    text = text[:start] + body.replace(old, new, 1) + text[end:]
open(bad, "w").write(text)
PY
    rm -f "$IMAGE"
    if out=$(mk 2>&1); then
        printf '%s\n' "$out"
        fail "$what: make succeeded with a bad partition description"
    fi
    expect_contains "$out" "$pattern"
    [ ! -e "$IMAGE" ] || fail "$what: an image was produced"
    [ ! -e "$BUILD/partitions.dtb" ] || fail "$what: the rejected description was kept"
    echo "ok: $what"
}

# The message names the file, the line where the guest's node opens, the node.
AT="mortise-two-tenons/partitions.dts:[0-9]+: /mortise/beta: "
bad_case "overlapping memory" "${AT}memory \[0x4a000000, 0x4e000000\) overlaps guest \"alpha\"'s memory" \
    "alpha|autostart;|memory-base = <0x0 0x48000000>; autostart;" \
    "beta|autostart;|memory-base = <0x0 0x4a000000>; autostart;"
bad_case "a CPU given twice" "${AT}CPU 1 is already given to guest \"alpha\"" \
    "beta|cpus = <2>;|cpus = <2 1>;"
bad_case "memory outside RAM" "${AT}memory \[0x80000000, 0x84000000\) is not inside one RAM bank" \
    "beta|autostart;|memory-base = <0x0 0x80000000>; autostart;"
bad_case "a missing image" "${AT}image \"gamma\" is not embedded in the host image \(embedded: alpha, beta\)" \
    "beta|image = \"beta\";|image = \"gamma\";"
# LLC colours: refused while the image has none (MORTISE_LLC_COLORS=0, the default), and with
# 16 colours a colour given to two guests fails like a CPU given twice.
bad_case "colours without MORTISE_LLC_COLORS" \
    "${AT}'colors': this image has no LLC colouring \(CONFIG_MORTISE_LLC_COLORS=0\)" \
    "beta|autostart;|colors = <1>; autostart;"
mk -s setconfig SET="MORTISE_LLC_COLORS=16" >/dev/null
bad_case "a colour given twice" "${AT}colour 3 is already given to guest \"alpha\"; guests share no LLC colour" \
    "alpha|autostart;|colors = <0 1 2 3>; autostart;" \
    "beta|autostart;|colors = <3 4>; autostart;"

# The same copy with the good description builds.
cp "$GOOD" "$APP/partitions.dts"
out=$(mk 2>&1) || { printf '%s\n' "$out"; fail "the good description does not build"; }
[ -s "$IMAGE" ] || fail "no image from the good description"

# QEMU has 4 CPUs, but an image built with TN_MAX_CPUS=2 leaves CPUs 2-3 off at
# boot: beta's CPU 2 must fail the build, naming the limit and both fixes.
mk -s setconfig SET="TN_MAX_CPUS=2" >/dev/null
rm -f "$IMAGE"
if out=$(mk 2>&1); then
    printf '%s\n' "$out"
    fail "TN_MAX_CPUS=2: make succeeded with a guest on CPU 2"
fi
expect_contains "$out" "${AT}CPU 2 is beyond this Mortise image's limit TN_MAX_CPUS=2 \(CPUs 0-1\); raise CONFIG_TN_MAX_CPUS or change 'cpus'"
[ ! -e "$IMAGE" ] || fail "TN_MAX_CPUS=2: an image was produced"
[ ! -e "$BUILD/partitions.dtb" ] || fail "TN_MAX_CPUS=2: the rejected description was kept"
echo "ok: a CPU beyond TN_MAX_CPUS"

# Mode 2: the check of the reservations per shared CPU, on the description alone.
APP="$SCRATCH/mode2-reservation"
cp -r "$SRC_ROOT/test/apps/mode2-reservation" "$APP"
rm -rf "$APP/build"
GOOD="$SCRATCH/mode2.dts.good"
cp "$APP/partitions.dts" "$GOOD"
BUILD="$SCRATCH/build-mode2"
mk -s defconfig >/dev/null
mk -s "$BUILD/partitions.dtb" >/dev/null || fail "mode 2: the good description is refused"
desc_case() {  # desc_case WHAT PATTERN EDIT...: as bad_case, building the description only
    local what=$1 pattern=$2 out
    shift 2
    /usr/bin/python3 - "$GOOD" "$APP/partitions.dts" "$@" <<'PY'
import sys
good, bad, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(good).read()
for e in edits:
    node, old, new = e.split("|")
    start = text.index("\t" + node + " {")
    end = text.index("};", start)
    body = text[start:end]
    assert old in body, (node, old)
    text = text[:start] + body.replace(old, new, 1) + text[end:]
open(bad, "w").write(text)
PY
    if out=$(mk "$BUILD/partitions.dtb" 2>&1); then
        printf '%s\n' "$out"
        fail "$what: make succeeded with a bad partition description"
    fi
    expect_contains "$out" "$pattern"
    [ ! -e "$BUILD/partitions.dtb" ] || fail "$what: the rejected description was kept"
    echo "ok: $what"
}
AT="mode2-reservation/partitions.dts:[0-9]+: /mortise/victim: "
desc_case "reservations not schedulable" \
    "${AT}CPU 1: reservations not schedulable: this guest's response time can reach 15000 us, beyond its period 10000 us" \
    "hog|budget-us = <3000>;|budget-us = <6000>;" \
    "victim|priority = <5>;|priority = <5>; budget-us = <3000>; period-us = <10000>;"
desc_case "an unreserved guest above a reserved one" \
    "${AT}CPU 1: this guest has no reservation and priority 20, at or above reserved guest \"hog\"'s 20" \
    "victim|priority = <5>;|priority = <20>;"
desc_case "a budget without a period" "${AT}'budget-us' needs 'period-us' too" \
    "victim|priority = <5>;|priority = <5>; budget-us = <3000>;"
echo ok
