# make gdb: gdb-multiarch in batch mode, connected to QEMU's gdb stub, stops
# at main() with the symbols at the address the image really runs at, shows a
# backtrace and reads variables. Three cases: helloworld at EL1 (booted by QEMU
# -kernel, then loaded 126 MiB higher with --load-addr so the offset is not
# 0), Mortise's main() at EL2 in apps/mortise-two-tenons, and guest 'alpha' of
# that image (GUEST=alpha: its symbols at the guest IPA, offset -2 MiB, and a
# breakpoint that stops only alpha's CPU although beta runs the same code).
# Every run gets a free port and a QEMU timeout, and must leave no QEMU behind.
source "$(dirname "$0")/common.bash"
# Its own builds, not the run's shared guest builds (TN_SHARED_BUILDS, docs/testing.md): each
# make gdb below would otherwise reconfigure and relink both guests in the shared directory
# again: 107 s against 72 s alone (TN_TEST_BUILD=/tmp/x test/run --only framework/gdb), and
# 273 s in a whole make test.
export TN_SHARED_BUILDS=
export TN_NO_DWARF=  # gdb reads the DWARF (test/run's builds leave it out)

command -v gdb-multiarch >/dev/null ||
    fail "gdb-multiarch not installed. Install it with: apt-get install gdb-multiarch (scripts/deps does)"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"

command -v pgrep >/dev/null || fail "pgrep not installed: the check that no QEMU is left needs it. Install it with: apt-get install procps (scripts/deps does)"
ports_used=()
qemu_on_port() {
    pgrep -f "qemu-system-aarch64 .*-gdb tcp:127.0.0.1:$1( |\$)" || true
}
# Kills a QEMU still listening on one of this test's ports (by its pid).
cleanup() {
    local p pid
    for p in "${ports_used[@]}"; do
        for pid in $(qemu_on_port "$p"); do
            kill "$pid" 2>/dev/null || true
        done
    done
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# gdb_run APP LABEL [make variables...] < gdb commands: runs make gdb with the
# commands in batch mode; the output goes to $SCRATCH/LABEL.log and is printed
# on failure.
gdb_run() {
    local app=$1 label=$2 port status=0
    shift 2
    port=$(free_port)
    ports_used+=("$port")
    cat > "$SCRATCH/$label.gdb"
    # Generous limits: two loaded cores, 4 emulated CPUs for Mortise. With
    # -no-shutdown QEMU outlives the image's power-off, so only make gdb
    # stopping it when gdb exits ends it before QEMU_TIMEOUT.
    timeout -k 10 300 make -C "$SRC_ROOT/$app" O="$SCRATCH/$app" gdb QEMU_GDB_PORT="$port" \
        QEMU_TIMEOUT=240 QEMU_FLAGS=-no-shutdown GDB_FLAGS="-batch -x $SCRATCH/$label.gdb" "$@" > "$SCRATCH/$label.log" 2>&1 || status=$?
    [ "$status" = 0 ] || { cat "$SCRATCH/$label.log"; fail "make gdb ($label) exited with $status"; }
    # gdb-session stops QEMU when gdb exits: nothing may be left on the port.
    for _ in $(seq 20); do
        [ -n "$(qemu_on_port "$port")" ] || break
        sleep 0.5
    done
    [ -z "$(qemu_on_port "$port")" ] || fail "QEMU of the '$label' run still runs after gdb exited"
    out=$(cat "$SCRATCH/$label.log")
}

make -s -C "$SRC_ROOT/apps/helloworld" O="$SCRATCH/apps/helloworld" defconfig >/dev/null
make -s -C "$SRC_ROOT/apps/helloworld" O="$SCRATCH/apps/helloworld" >/dev/null

# The breakpoint commands of the EL1 runs: main, then a callee of main whose
# argument is read through the symbols' addresses.
el1_cmds='break main
continue
bt
print/x tn_arch_load_offset
print/x $cpsr & 0xf
break tn_printf
continue
bt
print fmt'

# 1. QEMU -kernel: RAM base + text_offset + 2 MiB, the link address.
gdb_run apps/helloworld hello <<<"$el1_cmds"
expect_contains "$out" 'Breakpoint 1, main \(\) at .*apps/helloworld/main\.cpp:[0-9]+'
expect_contains "$out" '^#0  main \(\) at .*apps/helloworld/main\.cpp'
expect_contains "$out" '^\$1 = 0x0$'                    # tn_arch_load_offset: runs where linked
expect_contains "$out" '^\$2 = 0x5$'                    # PSTATE.M = EL1h
expect_contains "$out" '^#1  0x[0-9a-f]+ in main \(\) at .*apps/helloworld/main\.cpp'
expect_contains "$out" '^\$3 = 0x[0-9a-f]+ "Hello from Tenon\\n"'
expect_contains "$out" '^Hello from Tenon'

# 2. Loaded at 0x48000000: the symbols move by 0x7e00000 and still hit.
gdb_run apps/helloworld hello-moved QEMU_LOAD_ADDR=0x48000000 <<<"$el1_cmds"
expect_contains "$out" 'Breakpoint 1 at 0x4800[0-9a-f]{4}: file .*apps/helloworld/main\.cpp'
expect_contains "$out" 'Breakpoint 1, main \(\) at .*apps/helloworld/main\.cpp:[0-9]+'
expect_contains "$out" '^\$1 = 0x7e00000$'              # what the image computed itself
expect_contains "$out" '^\$2 = 0x5$'
expect_contains "$out" '^#1  0x0*4800[0-9a-f]{4} in main \(\) at .*apps/helloworld/main\.cpp'
expect_contains "$out" '^\$3 = 0x4800[0-9a-f]{4} "Hello from Tenon\\n"'

# A wrong GUEST or a missing debugger is refused with the fix.
out=$(make -C "$SRC_ROOT/apps/helloworld" O="$SCRATCH/apps/helloworld" gdb GUEST=alpha 2>&1) &&
    fail "make gdb GUEST=alpha of a Tenon image succeeded"
expect_contains "$out" 'GUEST=alpha: only a combined host image'
out=$(make -C "$SRC_ROOT/apps/helloworld" O="$SCRATCH/apps/helloworld" gdb GDB=tn-no-such-gdb 2>&1) &&
    fail "make gdb with a missing debugger succeeded"
expect_contains "$out" 'tn-no-such-gdb not found\. Install it with: .*apt-get install gdb-multiarch'

# 3. Mortise at EL2, then guest 'alpha' of the same combined image.
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$SCRATCH/apps/mortise-two-tenons" defconfig >/dev/null
make -s -C "$SRC_ROOT/apps/mortise-two-tenons" O="$SCRATCH/apps/mortise-two-tenons" >/dev/null
gdb_run apps/mortise-two-tenons mortise <<'GDB'
break main
continue
bt
print/x tn_arch_load_offset
print/x $cpsr & 0xf
GDB
expect_contains "$out" 'Breakpoint 1, main \(\) at .*hyp/core/src/main\.cpp:[0-9]+'
expect_contains "$out" '^#0  main \(\) at .*hyp/core/src/main\.cpp'
expect_contains "$out" '^\$1 = 0x0$'
expect_contains "$out" '^\$2 = 0x9$'                    # PSTATE.M = EL2h

gdb_run apps/mortise-two-tenons guest-alpha GUEST=alpha <<'GDB'
gbreak main
continue
bt
print/x tn_arch_load_offset
print/x $cpsr & 0xf
gbreak on_tick
continue
bt
print g_ticks
GDB
# alpha owns CPU 1, gdb's thread 2; beta (CPU 2) runs the same main.
expect_contains "$out" 'Thread 2 hit Breakpoint 1, main \(\) at .*test/apps/ticker/main\.cpp:[0-9]+'
expect_not_contains "$out" 'Thread [^2] hit Breakpoint'
expect_contains "$out" '^#0  main \(\) at .*test/apps/ticker/main\.cpp'
expect_contains "$out" '^\$1 = 0xffffffffffe00000$'     # guest: IPA 0x40000000, linked 0x40200000
expect_contains "$out" '^\$2 = 0x5$'                    # the guest runs at EL1
expect_contains "$out" 'Thread 2 hit Breakpoint 2, .*on_tick .* at .*test/apps/ticker/main\.cpp'
expect_contains "$out" '^#[0-9]+ +0x[0-9a-f]+ in main \(\) at .*test/apps/ticker/main\.cpp'
expect_contains "$out" '^\$3 = 0$'                      # g_ticks before its first increment

out=$(make -C "$SRC_ROOT/apps/mortise-two-tenons" O="$SCRATCH/apps/mortise-two-tenons" gdb GUEST=gamma 2>&1) &&
    fail "make gdb GUEST=gamma (no such guest) succeeded"
expect_contains "$out" 'GUEST=gamma: no such guest in .*partitions\.dtb; its guests are: alpha beta'
echo ok
