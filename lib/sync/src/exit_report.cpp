// The report of a thread exiting while it owns mutexes (exit_check.hpp).
#include <tn/format.hpp>

#include "exit_check.hpp"
#include "pi.hpp"

namespace tn::sync::detail {

usize exit_holding_report(sched::Locked& l, sched::Thread* t, u64 load_offset, char* buf, usize size) {
    constexpr usize k_listed = 8;
    usize held = 0;
    for (ListNode* n = sched::held_mutexes(l, t).front(); n != nullptr; n = n->next)
        ++held;
    usize len = fmt::format(buf, size, "Tenon fatal: thread \"%s\" exited holding %lu mutex%s\n", sched::name(t),
                            held, held == 1 ? "" : "es");
    usize listed = 0;
    for (ListNode* n = sched::held_mutexes(l, t).front(); n != nullptr && listed < k_listed && len < size;
         n = n->next, ++listed) {
        Mutex* m = MutexCore::from_held_link(n);
        auto addr = reinterpret_cast<u64>(m);
        len += fmt::format(buf + len, size - len, "  mutex 0x%lx (link address 0x%lx): ", addr, addr - load_offset);
        if (len >= size)
            break;
        if (sched::Thread* w = MutexCore::waiters(*m).first())
            len += fmt::format(buf + len, size - len, "\"%s\" (priority %u) and maybe others wait for it\n",
                               sched::name(w), hooks::effective_priority(l, w));
        else
            len += fmt::format(buf + len, size - len, "no thread waits for it\n");
    }
    if (held > listed && len < size)
        (void)fmt::format(buf + len, size - len, "  ... and %lu more\n", held - listed);
    return held;
}

}  // namespace tn::sync::detail
