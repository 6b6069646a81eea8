# A Linux guest's dt-overlay (TN_GUEST_<g>_DT_OVERLAY, docs/linux-guest.md) that
# Mortise would refuse fails the build at partcheck with file:line: node: the
# overlay's node and property and the rule, and no description is kept: a copy
# of apps/linux-tenon (scratch directory, built against this tree, only as far
# as its compiled description) gets, one at a time, a phandle target, a target
# the generated tree lacks, a /memory property and a /chosen initrd property;
# a dtc syntax error is dtc's own file:line, and a Tenon guest with an overlay
# is refused by make. The app's own overlay then passes.
#
# Skipped (status 77) when the Linux artifacts are not cached and Debian's
# archive is unreachable: fetch them once with scripts/linux-artifacts.
source "$(dirname "$0")/common.bash"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
rc=0
"$SRC_ROOT/scripts/linux-artifacts" >/dev/null 2>"$SCRATCH/fetch.log" || rc=$?
if [ "$rc" = 3 ]; then
    cat "$SCRATCH/fetch.log"
    echo "no cached Linux artifacts and no network: run scripts/linux-artifacts"
    exit 77
fi
[ "$rc" = 0 ] || { cat "$SCRATCH/fetch.log"; fail "scripts/linux-artifacts failed ($rc)"; }

APP="$SCRATCH/linux-tenon"
cp -r "$SRC_ROOT/apps/linux-tenon" "$APP"
rm -rf "$APP/build"
BUILD="$SCRATCH/build"
DTB="$BUILD/partitions.dtb"
mk() { make -C "$APP" TN_ROOT="$SRC_ROOT" O="$BUILD" "$@"; }
mk -s defconfig >/dev/null
grep -q '^TN_GUEST_linux_DT_OVERLAY' "$APP/guests.mk" || fail "apps/linux-tenon names no dt-overlay"
sed -i '/^TN_GUEST_linux_DT_OVERLAY/d' "$APP/guests.mk"
echo "TN_GUEST_linux_DT_OVERLAY := $SCRATCH/overlay.dts" >>"$APP/guests.mk"

# bad_case WHAT PATTERN BODY: the overlay's root holds BODY; building the
# compiled description must fail with PATTERN and keep no .dtb.
bad_case() {
    local what=$1 pattern=$2 out
    printf '/dts-v1/;\n/plugin/;\n/ {\n%s\n};\n' "$3" >"$SCRATCH/overlay.dts"
    rm -f "$DTB"
    if out=$(mk "$DTB" 2>&1); then
        printf '%s\n' "$out"
        fail "$what: make succeeded with a bad dt-overlay"
    fi
    expect_contains "$out" "$pattern"
    [ ! -e "$DTB" ] || fail "$what: the rejected description was kept"
    echo "ok: $what"
}

AT="linux-tenon/partitions.dts:[0-9]+: /mortise/linux: dt-overlay \"linux\": "
bad_case "a phandle target" \
    "${AT}/fragment@0 target: phandle references .* are not supported; use target-path" \
    'fragment@0 { target = <&gic>; __overlay__ { x = <1>; }; };'
bad_case "a missing target" \
    "${AT}/soc target-path: target-path names no node of the guest's device tree" \
    'fragment@0 { target-path = "/soc"; __overlay__ { x = <1>; }; };'
bad_case "a /memory property" \
    "${AT}/memory@40000000 reg: the overlay may only add new nodes" \
    'fragment@0 { target-path = "/memory@40000000"; __overlay__ { reg = <0 0x40000000 0 0x40000000>; }; };'
bad_case "a /chosen initrd property" \
    "${AT}/chosen linux,initrd-end: the overlay may only add new nodes .* other than linux,initrd-start/-end" \
    'fragment@0 { target-path = "/chosen"; __overlay__ { linux,initrd-end = <0 0>; }; };'
bad_case "a dtc syntax error" "overlay.dts:4" 'fragment@0 { target-path = "/" __overlay__ { }; };'

# A Tenon guest has no overlay.
cp "$SRC_ROOT/apps/linux-tenon/overlay.dts" "$SCRATCH/overlay.dts"
echo "TN_GUEST_rt_DT_OVERLAY := $SCRATCH/overlay.dts" >>"$APP/guests.mk"
if out=$(mk "$DTB" 2>&1); then
    printf '%s\n' "$out"
    fail "make accepted a Tenon guest's dt-overlay"
fi
expect_contains "$out" "guest 'rt': TN_GUEST_rt_DT_OVERLAY is for Linux guests"
sed -i '/^TN_GUEST_rt_DT_OVERLAY/d' "$APP/guests.mk"
echo "ok: a Tenon guest's overlay"

# The app's own overlay passes, compiled next to the guest's other files.
out=$(mk "$DTB" 2>&1) || { printf '%s\n' "$out"; fail "the app's overlay does not build"; }
[ -s "$DTB" ] || fail "no description from the good overlay"
grep -q 'partner = "rt"' <<<"$(dtc -I dtb -O dts "$BUILD/guests/linux/overlay.dtbo" 2>/dev/null)" ||
    fail "the compiled overlay lacks /tenon"
echo ok
