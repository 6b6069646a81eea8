// The hypercall groups Mortise provides now: info, console, lifecycle, ivc, sched and instance (docs/mortise.md,
// "Hypercalls"). Arguments arrive validated by Table::dispatch(); handlers only act. The info and
// ivc functions are fast (Function::fast): they read, or ring other guests' doorbells (a channel
// never rings its caller), so the EL2 core runs them without a full exit.
#include <mortise/hypercall.hpp>

namespace mortise::hypercall {

namespace {

constexpr Return ok(u64 x1 = 0, u64 x2 = 0, u64 x3 = 0) { return {0, x1, x2, x3}; }
constexpr Return fail(Status s) { return {static_cast<i64>(s), 0, 0, 0}; }

// ---- info: any caller ----

Return info_version(const Call&) { return ok(k_version); }

Return info_guest_id(const Call& c) { return ok(c.caller.guest); }

Return info_vcpu_count(const Call& c) {
    if (c.env.lifecycle == nullptr || c.caller.guest >= c.env.lifecycle->guest_count())
        return fail(Status::NotSupported);
    return ok(c.env.lifecycle->info(c.caller.guest).vcpus, c.caller.vcpu);
}

constexpr Function k_info[] = {
    {0, 0, false, {}, info_version, "info.version", true},
    {1, 0, false, {}, info_guest_id, "info.guest_id", true},
    {2, 0, false, {}, info_vcpu_count, "info.vcpu_count", true},
};

// ---- console: any caller ----

Return console_putc(const Call& c) {
    if (c.env.console == nullptr)
        return fail(Status::NotSupported);
    const char ch = static_cast<char>(c.args[0]);
    c.env.console->write(c.caller.guest, &ch, 1);
    return ok();
}

Return console_write(const Call& c) {
    if (c.env.console == nullptr || c.env.memory == nullptr)
        return fail(Status::NotSupported);
    char text[k_console_write_max];
    const usize size = static_cast<usize>(c.args[1]);  // 1..k_console_write_max, checked.
    if (!c.env.memory->read(c.ipa(0), text, size))
        return fail(Status::InvalidAddress);
    c.env.console->write(c.caller.guest, text, size);
    return ok(size);
}

constexpr Function k_console[] = {
    {0, 1, false, {value_arg(0, 0xff)}, console_putc, "console.putc"},
    {1, 2, false, {ipa_arg(), value_arg(1, k_console_write_max)}, console_write, "console.write"},
};

// ---- lifecycle: privileged callers only; x1 is a guest index ----

Return lc_count(const Call& c) {
    if (c.env.lifecycle == nullptr)
        return fail(Status::NotSupported);
    return ok(c.env.lifecycle->guest_count());
}

Return lc_info(const Call& c) {
    const GuestInfo i = c.env.lifecycle->info(static_cast<unsigned>(c.args[0]));
    return ok(static_cast<u64>(i.state), i.vcpus);
}

/// Copies the guest's name, NUL-terminated, to the caller's buffer (x2, x3 bytes); x1 = length.
Return lc_name(const Call& c) {
    if (c.env.memory == nullptr)
        return fail(Status::NotSupported);
    const char* name = c.env.lifecycle->info(static_cast<unsigned>(c.args[0])).name;
    usize len = 0;
    while (name != nullptr && len + 1 < k_guest_name_size && name[len] != '\0')
        ++len;
    if (len + 1 > c.args[2])
        return fail(Status::InvalidParameters);
    char copy[k_guest_name_size];
    for (usize i = 0; i < len; ++i)
        copy[i] = name[i];
    copy[len] = '\0';
    if (!c.env.memory->write(c.ipa(1), copy, len + 1))
        return fail(Status::InvalidAddress);
    return ok(len);
}

template <Status (LifecycleOps::*Op)(unsigned)>
Return lc_action(const Call& c) {
    const Status s = (c.env.lifecycle->*Op)(static_cast<unsigned>(c.args[0]));
    return fail(s);  // Success is 0: x0 carries the result either way.
}

constexpr Arg k_target = guest_arg();

constexpr Function k_lifecycle[] = {
    {0, 0, true, {}, lc_count, "lifecycle.count"},
    {1, 1, true, {k_target}, lc_info, "lifecycle.info"},
    {2, 3, true, {k_target, ipa_arg(), value_arg(1, 4096)}, lc_name, "lifecycle.name"},
    {3, 1, true, {k_target}, lc_action<&LifecycleOps::start>, "lifecycle.start"},
    {4, 1, true, {k_target}, lc_action<&LifecycleOps::pause>, "lifecycle.pause"},
    {5, 1, true, {k_target}, lc_action<&LifecycleOps::resume>, "lifecycle.resume"},
    {6, 1, true, {k_target}, lc_action<&LifecycleOps::destroy>, "lifecycle.destroy"},
    {7, 1, true, {k_target}, lc_action<&LifecycleOps::restart>, "lifecycle.restart"},
};

// ---- ivc: any caller; the core checks membership. x1 = channel id ----

Return ivc_notify(const Call& c) {
    if (c.env.ivc == nullptr)
        return fail(Status::NotSupported);
    return fail(c.env.ivc->notify(c.caller.guest, c.args[0], c.args[1]));
}

Return ivc_info(const Call& c) {
    if (c.env.ivc == nullptr)
        return fail(Status::NotSupported);
    IvcView v{};
    const Status s = c.env.ivc->info(c.caller.guest, c.args[0], v);
    if (s != Status::Success)
        return fail(s);
    return ok(v.member, v.members, v.live);
}

// Any channel id and mask pass dispatch: an unknown id or a mask naming a member the channel
// does not have is the core's InvalidParameters (it knows the channels).
constexpr Arg k_channel = value_arg(0, ~u64{0});

constexpr Function k_ivc[] = {
    {0, 2, false, {k_channel, value_arg(0, ~u64{0})}, ivc_notify, "ivc.notify", true},
    {1, 1, false, {k_channel}, ivc_info, "ivc.info", true},
};

// ---- instance: privileged callers only ----

/// Reads the NUL-terminated string at @p ipa in the caller's RAM into @p out: a byte at a time, so
/// a string ending at the end of its RAM is read and nothing past the NUL is touched.
Status read_name(const Call& c, Ipa ipa, char (&out)[k_guest_name_size]) {
    for (usize i = 0; i < k_guest_name_size; ++i) {
        if (ipa.value() + i < ipa.value() || !c.env.memory->read(Ipa{ipa.value() + i}, &out[i], 1))
            return Status::InvalidAddress;
        if (out[i] == '\0')
            return i == 0 ? Status::InvalidParameters : Status::Success;
    }
    return Status::InvalidParameters;  // no NUL within k_guest_name_size bytes: too long
}

Return inst_create(const Call& c) {
    if (c.env.instances == nullptr || c.env.memory == nullptr)
        return fail(Status::NotSupported);
    InstanceRequest r{};
    Status s = read_name(c, c.ipa(0), r.image);
    if (s == Status::Success)
        s = read_name(c, c.ipa(1), r.name);
    if (s != Status::Success)
        return fail(s);
    r.mem_size = c.args[2];
    r.vcpus = static_cast<unsigned>(c.args[3]);
    r.priority = static_cast<unsigned>(c.args[4]);
    r.budget_us = static_cast<u32>(c.args[5]);
    r.period_us = static_cast<u32>(c.args[5] >> 32);
    unsigned guest = 0;
    s = c.env.instances->create(r, guest);
    return s == Status::Success ? ok(guest) : fail(s);
}

Return inst_reclaim(const Call& c) {
    if (c.env.instances == nullptr)
        return fail(Status::NotSupported);
    return fail(c.env.instances->reclaim(static_cast<unsigned>(c.args[0])));
}

Return inst_pool(const Call& c) {
    if (c.env.instances == nullptr)
        return fail(Status::NotSupported);
    PoolInfo p{};
    const Status s = c.env.instances->pool(p);
    if (s != Status::Success)
        return fail(s);
    return ok(p.free_bytes, p.total_bytes, (p.free_cpus & 0xffff'ffff) | p.free_tables << 32);
}

namespace inst = tn::mortise_abi::instance;

constexpr Function k_instance[] = {
    {0, 6, true,
     {ipa_arg(), ipa_arg(), value_arg(inst::k_mem_align, u64{1} << 40, inst::k_mem_align),
      value_arg(1, inst::k_max_vcpus), value_arg(0, inst::k_max_priority), value_arg(0, ~u64{0})},
     inst_create, "instance.create"},
    {1, 1, true, {k_target}, inst_reclaim, "instance.reclaim"},
    {2, 0, true, {}, inst_pool, "instance.pool"},
};

// ---- sched: any caller; the core refuses hints from a guest without max-priority ----

Return sched_info(const Call& c) {
    if (c.env.sched == nullptr)
        return fail(Status::NotSupported);
    SchedView v{};
    const Status s = c.env.sched->info(c.caller, v);
    return s == Status::Success ? ok(v.base, v.ceiling, v.current) : fail(s);
}

Return sched_hint(const Call& c) {
    if (c.env.sched == nullptr)
        return fail(Status::NotSupported);
    return fail(c.env.sched->hint(c.caller, static_cast<unsigned>(c.args[0]), static_cast<unsigned>(c.args[1])));
}

Return sched_yield(const Call& c) {
    if (c.env.sched == nullptr)
        return fail(Status::NotSupported);
    return fail(c.env.sched->yield(c.caller));
}

constexpr Arg k_priority = value_arg(0, tn::mortise_abi::sched::k_max_priority);

// Not fast: a hint that lowers the caller, or a yield, may hand its CPU to another vCPU, which only the full
// exit's return path (before_entry) does.
constexpr Function k_sched[] = {
    {0, 0, false, {}, sched_info, "sched.info"},
    {1, 2, false, {k_priority, k_priority}, sched_hint, "sched.hint"},
    {2, 0, false, {}, sched_yield, "sched.yield"},
};

}  // namespace

const Group k_info_group{GroupId::Info, "info", k_info, sizeof(k_info) / sizeof(k_info[0])};
const Group k_console_group{GroupId::Console, "console", k_console, sizeof(k_console) / sizeof(k_console[0])};
const Group k_lifecycle_group{GroupId::Lifecycle, "lifecycle", k_lifecycle,
                              sizeof(k_lifecycle) / sizeof(k_lifecycle[0])};

const Group k_ivc_group{GroupId::Ivc, "ivc", k_ivc, sizeof(k_ivc) / sizeof(k_ivc[0])};

MORTISE_HYPERCALL_GROUP(k_info_group);
MORTISE_HYPERCALL_GROUP(k_console_group);
MORTISE_HYPERCALL_GROUP(k_lifecycle_group);
MORTISE_HYPERCALL_GROUP(k_ivc_group);
const Group k_instance_group{GroupId::Instance, "instance", k_instance, sizeof(k_instance) / sizeof(k_instance[0])};
MORTISE_HYPERCALL_GROUP(k_instance_group);
const Group k_sched_group{GroupId::Sched, "sched", k_sched, sizeof(k_sched) / sizeof(k_sched[0])};
MORTISE_HYPERCALL_GROUP(k_sched_group);

}  // namespace mortise::hypercall
