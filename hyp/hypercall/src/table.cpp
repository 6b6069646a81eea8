// The dispatch table: built once by add()/add_linked(), then only read by dispatch().
#include <mortise/hypercall.hpp>
#include <tn/format.hpp>

namespace mortise::hypercall {

namespace {

constexpr u32 k_prefix = tn::mortise_abi::function_id(GroupId{0}, 0);
constexpr u32 k_prefix_mask = 0xffff'0000;

/// Where @p id's function lives in Table::m_direct, or false for an ID found by search.
constexpr bool direct_slot(u32 id, u32& group, u32& number) {
    group = (id >> tn::mortise_abi::k_group_shift) & 0xff;
    number = id & 0xff;
    return (id & k_prefix_mask) == k_prefix && group < k_direct_groups && number < k_direct_numbers;
}
static_assert((k_prefix & ~k_prefix_mask) == 0, "Mortise's IDs: the prefix is bits 31:16, the group 15:8");

/// Checks a declaration; nullptr if it is well-formed, else why not.
const char* malformed(const Function& f) {
    if (f.handler == nullptr)
        return "has no handler";
    if (f.arg_count > k_max_args)
        return "declares more than 6 arguments";
    for (unsigned i = 0; i < f.arg_count; ++i) {
        const Arg& a = f.args[i];
        if (a.kind == Arg::Kind::Value && (a.min > a.max || !tn::is_pow2(a.align)))
            return "declares an empty range or an alignment that is not a power of two";
    }
    return nullptr;
}

Return status(Status s) { return {static_cast<i64>(s), 0, 0, 0}; }

}  // namespace

bool Table::add(const Group& g) {
    if (g.functions == nullptr && g.count != 0) {
        tn::fmt::format(m_error, sizeof(m_error), "hypercall group %s has no function array", g.name);
        return false;
    }
    if (m_count + g.count > k_max_functions) {
        tn::fmt::format(m_error, sizeof(m_error),
                        "hypercall group %s does not fit: the table holds %u functions (k_max_functions)", g.name,
                        static_cast<unsigned>(k_max_functions));
        return false;
    }
    // Validate the whole group first, so a failed add leaves the table as it was.
    for (usize i = 0; i < g.count; ++i) {
        const Function& f = g.functions[i];
        const u32 id = function_id(g.id, f.number);
        if (const char* why = malformed(f)) {
            tn::fmt::format(m_error, sizeof(m_error), "hypercall %s (0x%08x) %s", f.name, id, why);
            return false;
        }
        const Function* other = find(id);
        for (usize j = 0; j < i && other == nullptr; ++j)
            other = g.functions[j].number == f.number ? &g.functions[j] : nullptr;
        if (other != nullptr) {
            tn::fmt::format(m_error, sizeof(m_error),
                            "hypercall ID 0x%08x is registered twice: %s and %s; give one another number", id,
                            other->name, f.name);
            return false;
        }
    }
    // Insertion into the sorted array: init-time only, at most k_max_functions^2 moves.
    for (usize i = 0; i < g.count; ++i) {
        const u32 id = function_id(g.id, g.functions[i].number);
        usize at = m_count;
        for (; at > 0 && m_entries[at - 1].id > id; --at)
            m_entries[at] = m_entries[at - 1];
        m_entries[at] = {id, &g.functions[i]};
        ++m_count;
        if (u32 group, number; direct_slot(id, group, number))
            m_direct[group][number] = &g.functions[i];
    }
    return true;
}

const Function* Table::find(u32 id) const {
    if (u32 group, number; direct_slot(id, group, number))
        return m_direct[group][number];  // Every entry with such an ID is here too.
    usize lo = 0, hi = m_count;
    while (lo < hi) {
        const usize mid = lo + (hi - lo) / 2;
        if (m_entries[mid].id == id)
            return m_entries[mid].function;
        if (m_entries[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return nullptr;
}

namespace {

// Checks the caller and the arguments against @p f's declaration, then runs its handler.
Return run(const Function* f, const Caller& caller, const u64 (&regs)[7], Env& env) {
    if (f->privileged && !caller.privileged)
        return status(Status::Denied);
    u64 args[k_max_args] = {};
    for (unsigned i = 0; i < f->arg_count; ++i) {
        const Arg& a = f->args[i];
        const u64 v = regs[i + 1];
        if (a.kind == Arg::Kind::Guest) {
            if (env.lifecycle == nullptr)
                return status(Status::NotSupported);
            if (v >= env.lifecycle->guest_count())
                return status(Status::InvalidParameters);
        } else if (a.kind == Arg::Kind::Value && (v < a.min || v > a.max || !tn::is_aligned(v, a.align))) {
            return status(Status::InvalidParameters);
        }
        args[i] = v;
    }
    const Call call{caller, args, env};
    return f->handler(call);
}

}  // namespace

Return Table::dispatch(const Caller& caller, const u64 (&regs)[7], Env& env) const {
    // SMCCC: the function ID is w0; bits 63:32 of x0 are ignored.
    const Function* f = find(static_cast<u32>(regs[0]));
    if (f == nullptr)
        return status(Status::NotSupported);
    return run(f, caller, regs, env);
}

bool Table::dispatch_fast(const Caller& caller, const u64 (&regs)[7], Env& env, Return& out) const {
    const Function* f = find(static_cast<u32>(regs[0]));
    if (f == nullptr || !f->fast)
        return false;
    out = run(f, caller, regs, env);
    return true;
}

// The section's bounds, defined by the linker for a section named like a C identifier.
extern "C" {
extern const Group* const __start_mortise_hypercalls[] __attribute__((weak, visibility("hidden")));
extern const Group* const __stop_mortise_hypercalls[] __attribute__((weak, visibility("hidden")));
}

bool Table::add_linked() {
    for (const Group* const* g = __start_mortise_hypercalls; g && g < __stop_mortise_hypercalls; ++g)
        if (!add(**g))
            return false;
    return true;
}

}  // namespace mortise::hypercall
