// The Mortise shell on the console (Ctrl-A 0 selects it): list the guests
// and start, pause, resume, destroy or restart one by name; create, list and
// reclaim on-demand instances (instances.cpp). Runs in the UART interrupt on
// CPU 0; every command only posts requests, so none blocks, but reclaim, which
// waits (at most ~50 ms) for the instance's vCPUs to leave their CPUs.
#include "core.hpp"

namespace mortise {

namespace {

char g_line[96];
unsigned g_len;

Guest* by_name(const char* name) {
    for (unsigned i = 0; i < guest_count(); ++i)
        if (guest_in_use(*guest(i)) && __builtin_strcmp(guest(i)->desc().name, name) == 0)
            return guest(i);
    return nullptr;
}

// The next space-separated word of @p s (NUL-terminated in place), nullptr at the end.
char* word(char*& s) {
    while (*s == ' ')
        ++s;
    if (!*s)
        return nullptr;
    char* w = s;
    while (*s && *s != ' ')
        ++s;
    if (*s)
        *s++ = 0;
    return w;
}

// A decimal number below 2^32 (no sign), with an optional M or G suffix when @p mib is given
// (@p out is then bytes: a bare number is MiB).
bool number(const char* w, u64& out, bool mib = false) {
    u64 v = 0;
    unsigned digits = 0;
    for (; *w >= '0' && *w <= '9' && digits < 10; ++w, ++digits)
        v = v * 10 + static_cast<u64>(*w - '0');
    if (digits == 0 || v > 0xffff'ffff)
        return false;
    if (mib && (*w == 'M' || *w == 'm' || *w == '\0') && (w[0] == '\0' || w[1] == '\0'))
        v *= tn::MiB;
    else if (mib && (*w == 'G' || *w == 'g') && w[1] == '\0')
        v *= tn::GiB;
    else if (*w)
        return false;
    out = v;
    return true;
}

// create IMAGE NAME MEM [cpus N] [prio P] [budget US PERIOD_US]
void create(char* args) {
    constexpr const char* k_usage = "usage: create IMAGE NAME MEM[M|G] [cpus N] [prio P] [budget US PERIOD_US]";
    char* image = word(args);
    char* name = word(args);
    char* mem = word(args);
    InstanceParams p{image, name, 0, 1, 0, 0, 0};
    if (!mem || !number(mem, p.mem_size, true)) {
        MLOG("%s", k_usage);
        return;
    }
    for (char* w; (w = word(args));) {
        u64 a = 0, b = 0;
        char* v = word(args);
        bool ok = v && number(v, a);
        if (ok && __builtin_strcmp(w, "cpus") == 0) {
            p.vcpus = static_cast<unsigned>(a);
        } else if (ok && __builtin_strcmp(w, "prio") == 0) {
            p.priority = static_cast<unsigned>(a);
        } else if (ok && __builtin_strcmp(w, "budget") == 0) {
            char* period = word(args);
            if (!period || !number(period, b)) {
                MLOG("%s", k_usage);
                return;
            }
            p.budget_us = static_cast<u32>(a);
            p.period_us = static_cast<u32>(b);
        } else {
            MLOG("%s", k_usage);
            return;
        }
    }
    unsigned slot = 0;
    const hypercall::Status s = create_instance(p, slot);
    if (s == hypercall::Status::Success)
        MLOG("create %s: done (guest %u, now %s)", name, slot + 1, state_name(guest(slot)->state()));
    else
        MLOG("create %s: failed", name);
}

void list() {
    for (unsigned i = 0; i < guest_count(); ++i) {
        Guest* g = guest(i);
        if (!guest_in_use(*g))
            continue;  // a free instance slot
        MLOG("  %u %-16s %-8s %u vCPU%s, CPU mask 0x%lx%s", i + 1, g->desc().name, state_name(g->state()),
             g->vcpu_count(), g->vcpu_count() == 1 ? "" : "s", g->desc().cpu_mask,
             g->desc().privileged ? ", privileged" : "");
#ifdef CONFIG_MORTISE_MODE2
        for (unsigned v = 0; v < g->vcpu_count(); ++v)
            log_reservation(g->vcpu(v));
#endif
    }
}

void run(char* line) {
    char* arg = line;
    while (*arg && *arg != ' ')
        ++arg;
    if (*arg)
        *arg++ = 0;
    while (*arg == ' ')
        ++arg;
    if (!*line)
        return;
    if (__builtin_strcmp(line, "list") == 0)
        return list();
    if (__builtin_strcmp(line, "help") == 0) {
        MLOG("commands: list, start NAME, pause NAME, resume NAME, destroy NAME, restart NAME; "
             "Ctrl-A 1-9 gives the console to a guest");
        MLOG("instances: pool, create IMAGE NAME MEM[M|G] [cpus N] [prio P] [budget US PERIOD_US], reclaim NAME");
        return;
    }
    if (__builtin_strcmp(line, "pool") == 0)
        return log_instance_pool();
    if (__builtin_strcmp(line, "create") == 0)
        return create(arg);
    Guest* g = by_name(arg);
    GuestResult r = tn::err(GuestError::WrongState);
    if (!g) {
        MLOG("no guest named '%s' (try 'list')", arg);
        return;
    }
    if (__builtin_strcmp(line, "start") == 0) {
        r = g->start();
    } else if (__builtin_strcmp(line, "pause") == 0) {
        r = g->pause();
    } else if (__builtin_strcmp(line, "resume") == 0) {
        r = g->resume();
    } else if (__builtin_strcmp(line, "restart") == 0) {
        r = g->restart();
    } else if (__builtin_strcmp(line, "destroy") == 0) {
        g->stop(false);
        r = {};
    } else if (__builtin_strcmp(line, "reclaim") == 0) {
        const hypercall::Status s = reclaim_instance(g->index());
        MLOG("reclaim %s: %s", arg, s == hypercall::Status::Success ? "done" : "failed");
        return;
    } else {
        MLOG("unknown command '%s' (try 'help')", line);
        return;
    }
    MLOG("%s %s: %s (now %s)", line, arg, r.ok() ? "done" : error_name(r.error()), state_name(g->state()));
}

}  // namespace

void shell_input(tn::u8 byte) {
    if (byte == '\r' || byte == '\n') {
        g_line[g_len] = 0;
        g_len = 0;
        shell_command_begin();
        run(g_line);
        shell_command_end();
    } else if ((byte == 0x7f || byte == 8) && g_len) {
        --g_len;
    } else if (byte >= ' ' && g_len + 1 < sizeof g_line) {
        g_line[g_len++] = static_cast<char>(byte);
    }
}

}  // namespace mortise
