// The Mortise shell on the console (Ctrl-A 0 selects it): list the guests
// and start, pause, resume, destroy or restart one by name. Runs in the UART
// interrupt on CPU 0; every command only posts requests, so none blocks.
#include "core.hpp"

namespace mortise {

namespace {

char g_line[64];
unsigned g_len;

Guest* by_name(const char* name) {
    for (unsigned i = 0; i < guest_count(); ++i)
        if (__builtin_strcmp(guest(i)->desc().name, name) == 0)
            return guest(i);
    return nullptr;
}

void list() {
    for (unsigned i = 0; i < guest_count(); ++i) {
        Guest* g = guest(i);
        MLOG("  %u %-16s %-8s %u vCPU%s, CPU mask 0x%lx%s", i + 1, g->desc().name, state_name(g->state()),
             g->vcpu_count(), g->vcpu_count() == 1 ? "" : "s", g->desc().cpu_mask,
             g->desc().privileged ? ", privileged" : "");
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
        return;
    }
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
        run(g_line);
    } else if ((byte == 0x7f || byte == 8) && g_len) {
        --g_len;
    } else if (byte >= ' ' && g_len + 1 < sizeof g_line) {
        g_line[g_len++] = static_cast<char>(byte);
    }
}

}  // namespace mortise
