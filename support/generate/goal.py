"""Objective parsing: a goal sentence becomes quantities, intents and words.

Quantities are numbers with units, normalised: a rate in Hz, a period or
latency in microseconds, a size in bytes, a count of cores, guests or threads
(each with the words just before it, which say what the number is about:
"a 64 KiB heap", "4 cores", "every 2 ms"). Intents are what the user wants
the configuration to favour or contain ("as small as possible", "lowest
latency", "floating-point PID", "beside Linux"); each has query words that
retrieval (search.py) matches against the Kconfig prompts and help texts, so
no intent names a Kconfig symbol: a library dropped into the pool whose help
text uses the words is found with no change here.

Negation is kept: "without floating point" yields the intent with negative
polarity, and its words become not_* terms (search.py writes help texts'
"no FP/SIMD" the same way).
"""

import re

# Units: (regex, kind, factor to the base unit: Hz, microseconds, bytes, count).
_UNITS = [
    (r"mhz", "rate", 1e6), (r"khz", "rate", 1e3), (r"hz|hertz", "rate", 1.0),
    (r"ns|nanoseconds?", "time", 1e-3), (r"us|µs|μs|microseconds?|usecs?", "time", 1.0),
    (r"ms|milliseconds?|msecs?", "time", 1e3), (r"s|secs?|seconds?", "time", 1e6),
    (r"gib|gb|gigabytes?", "size", float(1 << 30)), (r"mib|mb|megabytes?|megs?", "size", float(1 << 20)),
    (r"kib|kb|k|kilobytes?", "size", 1024.0), (r"bytes?|b", "size", 1.0),
    (r"cores?|cpus?|processors?|harts?", "cores", 1.0),
    (r"guests?|vms?|virtual machines?|instances?|partitions?", "guests", 1.0),
    (r"threads?|tasks?", "threads", 1.0),
    (r"priorit(?:y|ies)(?: levels?)?", "priorities", 1.0),
    (r"%|percent", "percent", 1.0),
]
_WORD_NUMBERS = {"one": 1, "single": 1, "two": 2, "dual": 2, "three": 3, "four": 4, "quad": 4, "five": 5, "six": 6,
                 "eight": 8, "octa": 8, "ten": 10, "twelve": 12, "sixteen": 16, "a hundred": 100,
                 "a thousand": 1000}
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_QUANTITY = re.compile(_NUMBER + r"\s*-?\s*(" + "|".join(u[0] for u in _UNITS) + r")\b", re.IGNORECASE)
# "three Tenon guests", "2 worker threads": a count with one word between it and what it counts.
_COUNTED = re.compile(r"\b" + _NUMBER + r"\s+[a-z][a-z-]*\s+(" + "|".join(u[0] for u in _UNITS if u[1] in
                      ("cores", "guests", "threads")) + r")\b", re.IGNORECASE)
_PER = re.compile(r"\b(?:every|each|per|period of|once every)\s+" + _NUMBER + r"?\s*(" +
                  "|".join(u[0] for u in _UNITS if u[1] == "time") + r")\b", re.IGNORECASE)

# Intents: name -> (trigger regexes, query words for retrieval). The query
# words describe the feature in the vocabulary of the pool's help texts.
INTENTS = {
    "small": ([r"\bsmall(est|er)?\b", r"\btin(y|ier|iest)\b", r"\bleanest\b", r"\blightweight\b", r"\bminimal\b", r"\bminimi[sz]e\b", r"\bfootprint\b", r"\bcompact\b",
               r"\blean\b", r"\bleast (memory|ram|flash|space)\b", r"\blittle (memory|ram)\b", r"\bconstrained\b",
               r"\bas few\b", r"\bbare minimum\b", r"\bsize\b"],
              "size small smallest footprint code bytes"),
    "latency": ([r"\blow(est)?[- ]latency\b", r"\blatency\b", r"\bfast(est)?\b", r"\bquick(est)?\b", r"\bjitter\b",
                 r"\bdeterministic\b", r"\bhard real[- ]time\b", r"\bresponsive\b", r"\bperformance\b",
                 r"\bmicroseconds?\b", r"\bworst[- ]case\b"],
                "latency performance fast deterministic worst case"),
    "power": ([r"\blow[- ]power\b", r"\bbattery\b", r"\benergy\b", r"\bpower[- ]sav", r"\btickless\b",
               r"\bidle most\b", r"\bsleeps? most\b", r"\bno (periodic )?tick\b", r"\bwake(s)? up rarely\b"],
              "tickless power idle one-shot"),
    "fp": ([r"\bfloat(ing)?[- ]?point\b", r"\bfloats?\b", r"\bdoubles?\b(?![- ]schedul)", r"\bfpu\b", r"\bpid\b", r"\bkalman\b",
            r"\bdsp\b", r"\bsimd\b", r"\bneon\b", r"\btrigonometr", r"\bmatrix\b", r"\bfilters?\b", r"\bfft\b",
            r"\bmath(s|ematics)?\b", r"\blibm\b", r"\bsin(e)?\b|\bcos(ine)?\b|\bsqrt\b"],
           "floating point FP SIMD registers"),
    "cooperative": ([r"\bco-?operative\b", r"\bnon-?preemptive\b", r"\brun[- ]to[- ]completion\b",
                     r"\bwithout preemption\b", r"\bno preemption\b", r"\byield(s)? explicitly\b"],
                    "cooperative yield"),
    "preemptive": ([r"\bpreempti(ve|on)\b", r"\bpriority[- ]based\b", r"\bpriorities\b", r"\bpriority\b"],
                   "priority preemptive scheduler"),
    "inversion": ([r"\bpriority inversion\b", r"\bpriority inheritance\b", r"\bpi mutex", r"\bmutex(es)?\b",
                   r"\blocks?\b", r"\bshared (data|resource|state)\b", r"\bcritical sections?\b"],
                  "priority inheritance mutexes inversion"),
    "threads": ([r"\bthreads?\b", r"\btasks?\b", r"\bmulti-?task", r"\bconcurren", r"\bworkers?\b",
                 r"\bcontrol loop\b", r"\bperiodic\b", r"\bscheduler\b", r"\bsemaphores?\b", r"\bqueues?\b",
                 r"\bproducer\b", r"\bconsumer\b", r"\bevent flags\b",
                 r"\bcontext switch", r"\brtos\b"],
                "threads scheduler"),
    "sync": ([r"\bsemaphores?\b", r"\bmutex(es)?\b", r"\bcondition variables?\b", r"\bmessage queues?\b",
              r"\bevent flags\b", r"\bblock pools?\b", r"\bproducer\b", r"\bconsumer\b", r"\bmailbox",
              r"\bqueues?\b", r"\b(pass|send|exchang)\w* messages\b", r"\bmessages? between\b", r"\bsignal(s|ling)? (another|each other|between)\b",
              r"\bwait(s|ing)? for (an? )?(event|signal)"],
             "semaphores mutexes condition variables message queues synchronisation"),
    "timer": ([r"\btimers?\b", r"\bperiodic\b", r"\bsleeps?\b", r"\bdelays?\b", r"\btimeouts?\b", r"\bdeadlines?\b",
               r"\bcontrol loop\b", r"\bsampl(e|es|ing)\b", r"\bhz\b", r"\bevery\b", r"\bwatchdog\b"],
              "timer tick sleep timeout periodic"),
    "posix": ([r"\bposix\b", r"\bpthreads?\b", r"\bpse ?5[1-4]\b", r"\bportable\b", r"\bmq_\w+", r"\bsem_\w+",
               r"\bclock_nanosleep\b", r"\bunix\b"],
              "POSIX threads real-time API pthread"),
    "libc": ([r"\bprintf\b", r"\blibc\b", r"\bc (standard )?library\b", r"\bmalloc\b", r"\bstdio\b", r"\bnewlib\b",
              r"\blibm\b", r"\bstrings? formatting\b", r"\bscanf\b", r"\bstdlib\b", r"\bstd::", r"\bstl\b",
              r"\bc\+\+ (standard )?library\b",
              r"\bstandard (c |c\+\+ )?library\b", r"\bstdio\b"],
             "C library libc newlib printf malloc"),
    "heap": ([r"\bheap\b", r"\bmalloc\b", r"\bdynamic (memory|allocation)\b", r"\ballocat", r"\bmemory pools?\b",
              r"\bobject pools?\b", r"\bnew/delete\b"],
             "memory heap allocator pools"),
    "process": ([r"\bprocess(es)?\b", r"\bfork\b", r"\bexec\b", r"\baddress spaces?\b", r"\buser (mode|space)\b",
                 r"\bel0\b", r"\bpipes?\b", r"\bmultiple programs\b", r"\bprograms\b"],
                "process EL0 address spaces"),
    "linux": ([r"\blinux\b", r"\bdebian\b", r"\bbusybox\b"], "Linux guest"),
    "hypervisor": ([r"\bhypervisor\b", r"\bvirtual machines?\b", r"\bvms?\b", r"\bguests?\b", r"\bpartition(s|ed|ing)?\b",
                    r"\bisolat(e|ed|ion)\b", r"\bmixed[- ]criticality\b", r"\bconsolidat", r"\bside by side\b",
                    r"\bbeside\b", r"\balongside\b", r"\bsandbox"],
                   "hypervisor guests partition isolation EL2"),
    "ivc": ([r"\bshared memory\b", r"\bchannels?\b", r"\binter-?vm\b", r"\bivc\b", r"\bcommunicat", r"\bmessage passing\b",
             r"\btalks? to\b", r"\bexchang", r"\bsends? (data|messages?|results?)\b", r"\bring buffers?\b"],
            "channels shared memory rings between guests doorbell"),
    "share_cpus": ([r"\bshar(e|es|ing) (the |a |one )?(cpus?|cores?)\b", r"\btime[- ]shar", r"\bover-?commit",
                    r"\bmore guests than\b", r"\bon[- ]demand\b", r"\bcreated? at run[- ]?time\b",
                    r"\bsame (cpu|core)\b", r"\bschedul\w* (the )?(guests|vms|instances)\b"],
                   "mode 2 share CPUs scheduled"),
    "hint": ([r"\bdouble[- ]schedul", r"\bscheduling hints?\b", r"\bguests?'?s? (own )?(thread )?priorit",
              r"\bfollow\w* (each |the )?guests?'?s? (thread|priorit|deadline)", r"\btells? (the )?hypervisor\b"],
             "priority report hints Mortise running thread switch"),
    "colour": ([r"\bcache colou?r", r"\bcache partition", r"\bcache interference\b", r"\bllc\b", r"\bpage colou?r",
                r"\blast[- ]level cache\b", r"\bpartition\w* (the )?(shared |l2 |l3 )?caches?\b",
                r"\bcache (contention|isolation)\b"],
               "LLC colours cache colouring"),
    "smp": ([r"\bsmp\b", r"\bmulti-?core\b", r"\bmulti-?processor\b", r"\bparallel\b", r"\ball (the )?cores\b",
             r"\bevery core\b"],
            "CPUs SMP secondary"),
    "single_core": ([r"\bsingle[- ](core|cpu)\b", r"\bone (core|cpu)\b", r"\buni-?processor\b"], "CPUs"),
    "board": ([r"\brk3568\b", r"\brockchip\b", r"\bradxa\b", r"\bfirefly\b", r"\bquartz64\b", r"\bu-?boot\b",
               r"\b(real|physical) (hardware|board)\b", r"\bdev(elopment)? board\b", r"\bon (the |a )?board\b"],
              "RK3568 Rockchip U-Boot board"),
    "debug": ([r"\bdebug(ging|gable)?\b", r"\bgdb\b", r"\bstep through\b", r"\bbreakpoints?\b"],
              "debugging gdb"),
    "reservation": ([r"\bbudgets?\b", r"\breservations?\b", r"\bbandwidth\b", r"\brunaway\b", r"\bstarv",
                     r"\bcpu (share|quota)\b", r"\b\d+ ?% of\b", r"\bmisbehav"],
                    "budget period reservation throttled"),
    "boot_time": ([r"\bboot[- ]time\b", r"\btime to boot\b", r"\bhow long (it takes )?to boot\b",
                   r"\bmeasure (the )?boot\b", r"\bhow long (it takes to boot|boot(ing)? takes)\b",
                   r"\bboot(ing)? (duration|latency|speed)\b", r"\btime (from reset|to main)\b"],
                  "boot time reset main report"),
    "input": ([r"\bserial input\b", r"\binteractive\b", r"\bkeyboard\b", r"\bconsole input\b", r"\bcommand line\b",
               r"\breads? (from )?(the )?(uart|serial|console)\b", r"\btyped?\b"],
              "input receive interrupt-driven UART"),
    "measure": ([r"\bbenchmark", r"\bmeasur(e|ing|ement)\b", r"\bprofil"], "statistics run time accounting"),
}

# Capabilities users ask for that a pool may not have. A goal naming one is
# answered only if retrieval finds the words in some library's prompt or help
# text (so dropping in such a library makes the goal answerable); otherwise it
# is refused, naming what is missing. Linux guests bring their own drivers.
CAPABILITIES = {
    "networking (TCP/IP, Ethernet, Wi-Fi)": (r"\bnetwork(ing|ed)?\b|\btcp\b|\budp\b|\bip stack\b|\bethernet\b|\bwi-?fi\b|"
                                              r"\bhttps?\b|\bweb ?server\b|\bmqtt\b|\bsockets?\b|\blwip\b|\bnic\b",
                                              ["network", "tcp", "ethernet", "socket"]),
    "a file system or block storage": (r"\bfile ?systems?\b|\bfat(32)?\b|\bext[234]\b|\bsd ?cards?\b|\bemmc\b|\bfiles\b|"
                                       r"\bstorage\b|\bdisk\b|\blittlefs\b",
                                       ["filesystem", "file", "storage", "disk"]),
    "USB": (r"\busb\b", ["usb"]),
    "Bluetooth": (r"\bbluetooth\b|\bble\b", ["bluetooth"]),
    "a CAN bus driver": (r"\bcan ?bus\b|\bcan ?fd\b|\bcan controller\b", ["can"]),
    "I2C/SPI/GPIO/PWM/ADC device drivers": (r"\bi2c\b|\bspi\b|\bgpios?\b|\bpwm\b|\badc\b|\bdac\b",
                                            ["i2c", "spi", "gpio", "pwm", "adc"]),
    "a display or graphics stack": (r"\bdisplay\b|\bgraphics\b|\bgpu\b|\bhdmi\b|\blcd\b|\bframebuffer\b|\bgui\b|\bopengl\b",
                                    ["display", "graphics", "gpu", "framebuffer"]),
    "audio": (r"\baudio\b|\bsound\b|\bi2s\b", ["audio", "sound"]),
    "a camera or video pipeline": (r"\bcamera\b|\bvideo\b", ["camera", "video"]),
    "a script interpreter (Python, Lua, JavaScript)": (r"\bpython\b|\bmicropython\b|\blua\b|\bjavascript\b|\binterpreter\b",
                                                        ["python", "lua", "interpreter"]),
    "cryptography or TLS": (r"\bcrypto(graphy)?\b|\btls\b|\bssl\b|\bencrypt", ["crypto", "tls", "encrypt"]),
    "secure boot or TrustZone": (r"\bsecure boot\b|\btrustzone\b|\bop-?tee\b|\btee\b", ["trustzone", "secure"]),
    "another CPU architecture (TenonOS is AArch64 only)": (r"\bx86(_64)?\b|\bamd64\b|\brisc-?v\b|\bcortex-?m\d*\b|"
                                                           r"\barm32\b|\baarch32 (kernel|target)\b|\bmips\b|\besp32\b|"
                                                           r"\bstm32\b|\bavr\b|\barduino\b",
                                                           ["x86", "riscv", "cortex-m"]),
    "a board port (QEMU virt and RK3568 are supported)": (r"\braspberry ?pi\b|\bjetson\b|\bimx ?8\b|\bi\.mx\b|\bzynq\b|"
                                                          r"\bbeaglebone\b|\bstm32mp\b|\brk3588\b|\bhikey\b",
                                                          ["raspberry", "jetson", "imx8", "zynq"]),
    "dynamic frequency scaling or power management": (r"\bdvfs\b|\bcpufreq\b|\bfrequency scaling\b|\bsuspend to ram\b|"
                                                       r"\bdeep sleep\b",
                                                       ["dvfs", "cpufreq"]),
    "over-the-air updates": (r"\bota\b|\bover[- ]the[- ]air\b|\bfirmware update", ["ota", "update"]),
}

# "a Linux alternative", "instead of Linux": the goal names something to do without.
_PROBLEM = re.compile(r"inversion|double[- ]schedul|starv|jitter|interference|runaway|misbehav|overrun|"
                      r"contention|disturb", re.IGNORECASE)


def _replaced(word, text):
    """Whether @text says to do without @word ("a Linux alternative", "instead of Linux")."""
    w = re.escape(word)
    return bool(re.search(r"\b%s[- ]alternative\b|\balternative (?:to|for) %s\b|\binstead of %s\b|"
                          r"\breplac\w* %s\b|\brather than %s\b" % (w, w, w, w, w), text))
_NEGATORS = re.compile(r"\b(?:without|no|not|never|avoid|don't|do not|disable[ds]?|exclude|excluding|except)\s+"
                       r"(?:any\s+|a\s+|an\s+|the\s+|using\s+|need\s+|needing\s+|use\s+)?", re.IGNORECASE)


class Quantity:
    def __init__(self, kind, value, text, context):
        self.kind = kind          # rate, time, size, cores, guests, threads, priorities, percent
        self.value = value        # Hz, microseconds, bytes, or a count
        self.text = text          # as written
        self.context = context    # the few words before it (what it is about)

    def __repr__(self):
        return "Quantity(%s=%g %r after %r)" % (self.kind, self.value, self.text, self.context)


class Goal:
    def __init__(self, text):
        self.text = text
        self.quantities = []
        self.intents = {}       # name -> +1 (wanted) or -1 (negated)
        self.evidence = {}      # name -> the words of the goal that triggered it
        self.capabilities = {}  # missing-capability name -> words
        self.words = []


def _number(text):
    text = text.lower()
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    return float(text.replace(",", ""))


def _unit(unit):
    for pattern, kind, factor in _UNITS:
        if re.fullmatch(pattern, unit, re.IGNORECASE):
            return kind, factor
    return None, None


def _negated(text, start):
    """Whether the words just before @start negate what follows ("without floating point")."""
    before = text[max(0, start - 40):start]
    match = None
    for match in _NEGATORS.finditer(before):
        pass
    if match is None:
        return False
    # The negation reaches the phrase only if nothing but a few words sit in between.
    gap = before[match.end():]
    return len(gap.split()) <= 2 and not re.search(r"[,.;]|\bbut\b|\band\b", gap)


def parse(text):
    """Parses a goal sentence. Deterministic: the same text gives the same Goal."""
    goal = Goal(text)
    lowered = text.lower()
    for match in _QUANTITY.finditer(lowered):
        kind, factor = _unit(match.group(2))
        if kind is None:
            continue
        if kind == "size" and match.group(2) in ("b", "k") and not re.search(r"\d", match.group(1)):
            continue
        value = _number(match.group(1)) * factor
        context = " ".join(re.findall(r"[a-z0-9+-]+", lowered[max(0, match.start() - 30):match.start()])[-3:])
        after = " ".join(re.findall(r"[a-z0-9+-]+", lowered[match.end():match.end() + 30])[:3])
        goal.quantities.append(Quantity(kind, value, match.group(0), (context + " | " + after).strip()))
    # "twice per second", "10 times a second", "once a minute": rates in words.
    for match in re.finditer(r"\b(once|twice|" + _NUMBER + r" times)\s+(?:per|a|each|every)\s+(second|minute|ms|"
                             r"millisecond)\b", lowered):
        count = {"once": 1.0, "twice": 2.0}.get(match.group(1)) or _number(match.group(2))
        per = {"second": 1.0, "minute": 60.0, "ms": 1e-3, "millisecond": 1e-3}[match.group(3)]
        goal.quantities.append(Quantity("rate", count / per, match.group(0), "per"))
    for match in _COUNTED.finditer(lowered):
        kind, _ = _unit(match.group(2))
        if not any(q.kind == kind for q in goal.quantities):
            goal.quantities.append(Quantity(kind, _number(match.group(1)), match.group(0), ""))
    for match in _PER.finditer(lowered):
        # "every 2 ms" is a period; "every ms" one millisecond.
        number = _number(match.group(1)) if match.group(1) else 1.0
        kind, factor = _unit(match.group(2))
        value = number * factor
        if not any(q.kind == "time" and abs(q.value - value) < 1e-9 for q in goal.quantities):
            goal.quantities.append(Quantity("time", value, match.group(0), "every"))
        for q in goal.quantities:
            if q.kind == "time" and abs(q.value - value) < 1e-9:
                q.context = "every " + q.context
    for name, (patterns, _) in INTENTS.items():
        for pattern in patterns:
            match = re.search(pattern, lowered)
            if match:
                # "avoid priority inversion", "must not starve": a problem named to be avoided asks for
                # its remedy, so a negation before it does not turn the intent around.
                negated = _negated(lowered, match.start()) and not _PROBLEM.search(match.group(0))
                goal.intents[name] = -1 if negated or _replaced(match.group(0), lowered) else 1
                goal.evidence.setdefault(name, []).append(match.group(0))
                break
    for name, (pattern, _) in CAPABILITIES.items():
        match = re.search(pattern, lowered)
        if match and not _negated(lowered, match.start()):
            goal.capabilities[name] = match.group(0)
    # Numbers alone imply intents: a rate or a period means a timer; cores > 1 SMP.
    for q in goal.quantities:
        if q.kind in ("rate",) or is_period(q):
            # A rate means a periodic task: a thread sleeping until its next period on a timer.
            for name in ("timer", "threads"):
                goal.intents.setdefault(name, 1)
                goal.evidence.setdefault(name, []).append(q.text)
        if q.kind == "cores":
            name = "smp" if q.value > 1 else "single_core"
            goal.intents.setdefault(name, 1)
            goal.evidence.setdefault(name, []).append(q.text)
        if q.kind == "guests" and q.value >= 1:
            goal.intents.setdefault("hypervisor", 1)
            goal.evidence.setdefault("hypervisor", []).append(q.text)
    if "single_core" in goal.intents and "smp" in goal.intents and goal.intents["single_core"] > 0:
        del goal.intents["smp"]
    goal.words = re.findall(r"[a-z][a-z0-9+_-]*", lowered)
    return goal


_PERIODIC = re.compile(r"\b(every|each|period|periodic|cycle|interval|tick)\b")


def is_period(q):
    """Whether a time quantity is a period ("every 2 ms", "a 50 us period"), not a latency or a budget."""
    return q.kind == "time" and bool(_PERIODIC.search(q.context)) and q.value > 0


def rate_hz(goal):
    """The fastest periodic rate the goal asks for, in Hz (a period counts as 1/period), or None."""
    rates = [q.value for q in goal.quantities if q.kind == "rate"]
    rates += [1e6 / q.value for q in goal.quantities if is_period(q)]
    return max(rates) if rates else None


def query_words(goal):
    """The retrieval query: the goal's own words plus each intent's words (negated ones as not_*)."""
    words = list(goal.words)
    for name, polarity in sorted(goal.intents.items()):
        extra = INTENTS[name][1].lower().split()
        words += extra if polarity > 0 else ["not_" + w for w in extra]
    return words
