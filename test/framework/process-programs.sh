# Programs as build outputs (support/make/programs.mk, docs/processes.md):
# apps/process-demo's programs build into static position-independent
# AArch64 ELFs (ET_DYN, an entry point, no PT_INTERP, R_AARCH64_RELATIVE
# dynamic relocations only) and the image embeds one 24-byte record for each
# between __tn_programs_start and __tn_programs_end; built again without
# LIBPROCESS, it still has both symbols. One more program calling every function of
# the user runtime compiles (-Werror) and links; a rebuild with nothing
# changed does nothing, a changed program rebuilds only itself; the checker
# rejects a dynamically linked executable. Nothing runs: the build only.
source "$(dirname "$0")/common.bash"
scratch_tree
app=$TREE/apps/process-demo
O=$SCRATCH/pd
readelf=aarch64-linux-gnu-readelf
nm=aarch64-linux-gnu-nm

make -s -C "$app" O="$O" defconfig >/dev/null || fail "make defconfig failed"
out=$(make -C "$app" O="$O" -j2 2>&1) || { printf '%s\n' "$out"; fail "the build of process-demo failed"; }
expect_contains "$out" '^  CC \[prog\] hello/main\.o$'
expect_contains "$out" '^  LD \[prog\] echo-args$'
expect_contains "$out" '^  PROG +hello$'

check_elf() {
    local f=$1 h
    [ -f "$f" ] || fail "$f was not built"
    h=$("$readelf" -hlrW "$f")
    expect_contains "$h" 'Type: +DYN '
    expect_contains "$h" 'Machine: +AArch64'
    expect_not_contains "$h" 'Entry point address: +0x0$'
    expect_not_contains "$h" 'INTERP'
    # Every relocation line (offset, info, type) is R_AARCH64_RELATIVE.
    local others
    others=$(grep -E '^[0-9a-f]{12,16} +[0-9a-f]+ R_' <<<"$h" | grep -v 'R_AARCH64_RELATIV' || true)
    [ -z "$others" ] || { printf '%s\n' "$others"; fail "$f has relocations other than R_AARCH64_RELATIVE"; }
    grep -Eq 'R_AARCH64_RELATIV' <<<"$h" || fail "$f has no R_AARCH64_RELATIVE relocation (not position independent?)"
    # The entry point is _start (the stripped copy has no symbols to ask).
    case $f in
    *.stripped.elf) ;;
    *) local entry start
       entry=$(sed -n 's/.*Entry point address: *0x\([0-9a-f]*\).*/\1/p' <<<"$h")
       start=$(awk '$3 == "_start" { print $1 }' <<<"$("$nm" "$f")")
       [ -n "$start" ] && [ $((16#$entry)) = $((16#$start)) ] || fail "$f: entry 0x$entry is not _start (${start:-none})" ;;
    esac
}
check_elf "$O/programs/hello.elf"
check_elf "$O/programs/echo-args.elf"
check_elf "$O/programs/hello.stripped.elf"

# records FILE: end - start of .tn_programs in the image.
records() {
    local s e
    s=$("$nm" "$1" | awk '$3 == "__tn_programs_start" { print $1 }')
    e=$("$nm" "$1" | awk '$3 == "__tn_programs_end" { print $1 }')
    [ -n "$s" ] && [ -n "$e" ] || fail "$1 lacks __tn_programs_start/__tn_programs_end"
    echo $((16#$e - 16#$s))
}
image=$O/process-demo_qemu-virt.elf
programs=$(find "$app/programs" -mindepth 1 -maxdepth 1 -type d | wc -l)
n=$(records "$image")
[ "$n" = $((programs * 24)) ] || fail "the image's .tn_programs holds $n bytes, not $programs records of 24"
# Each record's name and bytes, read back from the image file at the link
# address: the name, and exactly the stripped ELF the build made.
/usr/bin/python3 - "$image" "$O/programs" hello echo-args <<'PY' || fail "the .tn_programs records do not describe the programs"
import struct, sys
data = open(sys.argv[1], "rb").read()
(shoff,) = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
names = secs[shstrndx][4]
def name(s): return data[names + s[0]:data.index(b"\0", names + s[0])].decode()
def at(addr, n):
    for s in secs:
        if s[1] == 1 and s[3] <= addr < s[3] + s[5]:
            return data[s[4] + addr - s[3]:s[4] + addr - s[3] + n]
    sys.exit(f"address {addr:#x} (+{n}) is in no section of the file")
tab = next(s for s in secs if name(s) == ".tn_programs")
found = {}
for off in range(0, tab[5], 24):
    pname, pelf, psize = struct.unpack_from("<QQQ", data, tab[4] + off)
    n = at(pname, 32)
    n = n[:n.index(b"\0")].decode()
    if pelf % 8:
        sys.exit(f"{n}: ELF at {pelf:#x}, not 8-byte aligned")
    found[n] = at(pelf, psize)
for want in sys.argv[3:]:
    if found.get(want) != open(f"{sys.argv[2]}/{want}.stripped.elf", "rb").read():
        sys.exit(f"{want}: no record, or its bytes differ from {want}.stripped.elf (records: {sorted(found)})")
PY

# Nothing changed: nothing rebuilt. One program changed: only it.
out=$(make -C "$app" O="$O" -j2 2>&1) || { printf '%s\n' "$out"; fail "the second make failed"; }
expect_not_contains "$out" '\[prog\]|PROG'
touch "$app/programs/hello/main.c"
out=$(make -C "$app" O="$O" -j2 2>&1) || { printf '%s\n' "$out"; fail "the rebuild failed"; }
expect_contains "$out" 'CC \[prog\] hello/main\.o'
expect_not_contains "$out" 'echo-args'

# A program using the whole user runtime (and its Makefile.uk adding a flag
# and a source in a subdirectory) compiles with -Werror and links.
mkdir -p "$app/programs/api/sub"
cat > "$app/programs/api/Makefile.uk" <<'MK'
PROG_API_SRCS += $(TN_CURDIR)/sub/extra.c
PROG_API_CFLAGS += -DAPI_EXTRA=7
MK
echo 'int api_extra(void) { return API_EXTRA; }' > "$app/programs/api/sub/extra.c"
cat > "$app/programs/api/main.c" <<'C'
#include <errno.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <tn/proc.h>

int api_extra(void);

int main(int argc, char** argv) {
    (void)argc;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    pid_t pid;
    int fds[2], st;
    char* args[] = {"hello", NULL};
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, 3, 1);
    posix_spawn_file_actions_addclose(&fa, 2);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, 0);
    if (pipe(fds) == 0 && posix_spawnp(&pid, "hello", &fa, &at, args, NULL) == 0 &&
        posix_spawn(&pid, argv[0], NULL, NULL, args, NULL) == 0 && waitpid(pid, &st, 0) == pid)
        printf("%d %d %d\n", WIFEXITED(st), WEXITSTATUS(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    struct mq_attr a = {.mq_maxmsg = 4, .mq_msgsize = 16};
    mqd_t q = mq_open("/q", O_CREAT | O_RDWR, 0600, &a);
    char buf[16];
    unsigned prio;
    mq_send(q, "x", 1, 0);
    mq_receive(q, buf, sizeof buf, &prio);
    mq_close(q);
    mq_unlink("/q");
    struct timespec ts = {0, 1000};
    struct timeval tv;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    nanosleep(&ts, NULL);
    gettimeofday(&tv, NULL);
    sleep(0);
    usleep(1);
    sched_yield();
    tn_proc_info info;
    for (int i = 0; tn_proc_get_info(i, &info) == 0; i++)
        printf("%d %d %s\n", info.pid, info.ppid, info.program);
    dup2(fds[1], 1);
    close(fds[0]);
    kill(getppid(), SIGTERM);
    wait(&st);
    void* m = malloc(100);
    free(m);
    return tn_proc_abi_version() + api_extra() + (errno == ENOSYS) + isatty(0);
}
C
out=$(make -C "$app" O="$O" -j2 2>&1) || { printf '%s\n' "$out"; fail "the program using the user runtime did not build"; }
expect_contains "$out" 'CC \[prog\] api/sub/extra\.o'
check_elf "$O/programs/api.elf"
n=$(records "$image")
[ "$n" = $(((programs + 1) * 24)) ] || fail "with one more program .tn_programs holds $n bytes, not $((programs + 1)) records of 24"

# The checker rejects what the loader could not run: a dynamically linked
# executable (PT_INTERP, DT_NEEDED, GLOB_DAT/JUMP_SLOT relocations).
echo 'int main(void) { return 0; }' > "$SCRATCH/dyn.c"
aarch64-linux-gnu-gcc "$SCRATCH/dyn.c" -o "$SCRATCH/dyn.elf"
if msg=$(/usr/bin/python3 "$TREE/support/scripts/checkprogram.py" "$SCRATCH/dyn.elf" 2>&1); then
    fail "checkprogram.py accepted a dynamically linked executable"
fi
expect_contains "$msg" 'PT_INTERP'
expect_contains "$msg" 'not R_AARCH64_RELATIVE'

# The same image without LIBPROCESS: the bounds exist and are equal (a
# recompile of the demo's main.c, which mentions the option, and a relink).
make -s -C "$app" O="$O" setconfig SET="LIBPROCESS=n" >/dev/null || fail "setconfig LIBPROCESS=n failed"
out=$(make -C "$app" O="$O" -j2 2>&1) || { printf '%s\n' "$out"; fail "the build without LIBPROCESS failed"; }
expect_not_contains "$out" '\[prog\]|PROG'
n=$(records "$image")
[ "$n" = 0 ] || fail "without LIBPROCESS .tn_programs is $n bytes, not empty"
echo ok
