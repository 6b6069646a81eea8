# Every build writes build/compile_commands.json: one entry per source it
# compiles, whose command really compiles that source; it follows the
# configuration (a library switched off leaves it).
source "$(dirname "$0")/common.bash"
scratch_tree
cd "$TREE/apps/helloworld"
make >/dev/null
db=build/compile_commands.json
[ -s "$db" ] || fail "no $db after a build"
# shellcheck disable=SC2016
check='
import json, os, subprocess, sys, tempfile
db = json.load(open(sys.argv[1]))
objs = sorted(e["output"] for e in db)
built = sorted(os.path.join(r, f) for r, _, fs in os.walk("build/obj") for f in fs if f.endswith(".o"))
built = [os.path.abspath(b) for b in built]
if objs != built:
    sys.exit("database objects differ from the built ones: %s" % sorted(set(objs) ^ set(built)))
for e in db:
    if e["file"].endswith(("main.cpp", "sched.cpp", "vectors.S")) or e is db[0]:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "check.o")
            r = subprocess.run(e["arguments"][:-1] + [out], cwd=e["directory"], capture_output=True, text=True)
            if r.returncode != 0 or not os.path.exists(out):
                sys.exit("command for %s fails:\n%s" % (e["file"], r.stderr))
print(len(db))
'
n=$(/usr/bin/python3 -c "$check" "$db") || fail "compile_commands.json is wrong"
[ "$n" -gt 10 ] || fail "only $n entries"
grep -q '"file": ".*/apps/helloworld/main.cpp"' "$db" || fail "main.cpp not in the database"

# A configuration change is reflected: the scheduler library comes and goes
# (with the GIC driver and the timer it needs: helloworld's defconfig has none).
make setconfig SET="LIBSCHED=y DRV_IRQ_GICV2=y DRV_TIMER_ARM_GENERIC=y" >/dev/null
make >/dev/null
grep -q "lib/sched/src/sched.cpp" "$db" || fail "enabled library missing from the database"
/usr/bin/python3 -c "$check" "$db" >/dev/null || fail "database wrong after enabling a library"
make defconfig >/dev/null
make >/dev/null
if grep -q "lib/sched/src/sched.cpp" "$db"; then fail "disabled library still in the database"; fi
echo ok
