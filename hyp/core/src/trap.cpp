// Exits from a guest, dispatched by exception class (ESR_EL2.EC, Arm ARM
// D17.2.37): HVC and SMC to PSCI or the hypercall table, data aborts on the
// emulated devices' windows to their MmioDevice, trapped writes of
// ICC_SGI1R_EL1 to the vGIC, IRQs to lib/irq. Anything else the guest did is
// something it must not do: the guest is stopped with a report, and every
// other guest keeps running.
#include <mortise/hypercall.hpp>
#include <mortise/inject.hpp>
#include <mortise/smccc.hpp>
#include <mortise/sysreg_trap.hpp>
#include <tn/arch/at.hpp>
#include <tn/arch/esr.hpp>
#include <tn/arch/fault.hpp>
#include <tn/arch/pgtable.hpp>
#include <tn/arch/sysreg.hpp>
#include <tn/format.hpp>
#include <tn/smp.hpp>

#include "core.hpp"

namespace mortise {

namespace {

namespace ec = tn::arch::esr::ec_code;
namespace abort_iss = tn::arch::esr::abort_iss;
namespace sysreg_iss = tn::arch::esr::sysreg_iss;
using tn::arch::HpfarEl2;
using tn::arch::IccSgi1rEl1;
using tn::arch::SpsrEl2;
using vcpu::GuestRegs;

hypercall::Table g_hypercalls;

// HPFAR_EL2 gives the faulting IPA's page, FAR_EL2 (a guest virtual address)
// the offset within it.
tn::Ipa fault_ipa(const GuestRegs& r) {
    namespace pg = tn::arch::pgtable;
    return tn::Ipa{(HpfarEl2::Fipa::get(r.hpfar) << pg::k_page_shift) | (r.far & (pg::k_page - 1))};
}

// The IPA of a stage-2 data abort. HPFAR_EL2 holds it for translation, access
// flag and address size faults and for any fault on a stage-1 table walk
// (S1PTW), but is UNKNOWN for a permission fault on the access itself (Arm
// ARM D17.2 HPFAR_EL2): a write to the UART's read-only read view. For that,
// the guest's stage 1 is asked again (AT S1E1R on FAR_EL2); false when it
// no longer translates (the guest changed its tables since): the access is
// retried.
bool abort_ipa(const GuestRegs& r, tn::Ipa& ipa) {
    namespace esr = tn::arch::esr;
    if (esr::is_permission_fault(esr::fsc(r.esr)) && !abort_iss::S1ptw::get(r.esr)) {
        u64 a = 0;
        if (!tn::arch::guest_va_to_ipa(r.far, a))
            return false;
        ipa = tn::Ipa{a};
        return true;
    }
    ipa = fault_ipa(r);
    return true;
}

// Stops the calling vCPU's guest after a report; the exit path then takes
// this vCPU off its CPU (before_entry sees the guest no longer running).
// @p detail, if any, is a second line saying where and what.
void stop_with_report(Vcpu& v, const GuestRegs& r, const char* what, const char* detail = nullptr) {
    Guest& g = *v.guest;
    u32 code = tn::arch::esr::ec(r.esr);
    MLOG("guest '%s' stopped: %s", g.desc().name, what);
    if (detail)
        MLOG("  %s", detail);
    MLOG("  vCPU %u on CPU %u, PC 0x%lx, ESR_EL2 0x%lx (%s)", v.index, v.pcpu, r.pc, r.esr,
         tn::arch::esr::ec_name(code));
    g.stop(true);
}

const char* access_name(const GuestRegs& r) {
    if (tn::arch::esr::ec(r.esr) == ec::inst_abort_lower)
        return "instruction fetch";
    return tn::arch::esr::write_not_read(r.esr) ? "write" : "read";
}

// "translation fault, level 2 on write at IPA 0x8080000: no RAM or device of
// the guest there": the stage-2 fault and what of the partition is at @p ipa.
const char* abort_detail(Vcpu& v, const GuestRegs& r, tn::Ipa ipa, char* buf, usize size) {
    char fsc[48], region[160];
    tn::fmt::format(buf, size, "%s on %s at IPA 0x%lx: %s",
                    tn::arch::esr::fsc_describe(tn::arch::esr::fsc(r.esr), fsc, sizeof fsc), access_name(r),
                    ipa.value(), v.guest->describe_ipa(ipa, region, sizeof region));
    return buf;
}

// A stage-2 abort Mortise does not resolve: what happened, in the guest's terms.
void stop_on_abort(Vcpu& v, const GuestRegs& r, tn::Ipa ipa) {
    char detail[288];
    const char* what;
    const bool fetch = tn::arch::esr::ec(r.esr) == ec::inst_abort_lower;
    if (fetch && v.guest->is_passthrough(ipa))
        what = "instruction fetch from a device (device memory is never executable)";
    else if (tn::arch::esr::is_permission_fault(tn::arch::esr::fsc(r.esr)))
        what = fetch ? "instruction fetch its partition does not allow" : "access its partition does not allow";
    else
        what = fetch ? "instruction fetch outside its partition" : "access outside its partition";
    stop_with_report(v, r, what, abort_detail(v, r, ipa, detail, sizeof detail));
}

u64 reg(const GuestRegs& r, unsigned n) { return n == 31 ? 0 : r.x[n]; }

vcpu::EntryFeatures entry_features() {
    using namespace tn::arch;
    return {IdAa64mmfr1El1::Pan::get(IdAa64mmfr1El1::read()) != 0,
            IdAa64pfr1El1::Ssbs::get(IdAa64pfr1El1::read()) != 0};
}

// Makes the guest take @p in at its EL1 when it resumes (its EL1 registers
// are live on this CPU).
void deliver(const vcpu::Injection& in, GuestRegs& r) {
    using namespace tn::arch;
    EsrEl1::write(in.esr_el1);
    FarEl1::write(in.far_el1);
    ElrEl1::write(in.elr_el1);
    SpsrEl1::write(in.spsr_el1);
    r.pc = in.pc;
    r.pstate = in.pstate;
}

// A Linux guest that reaches outside its partition (e.g. /dev/mem from user
// space) gets a synchronous external abort at EL1, as a bus error on real
// hardware would look: Linux reports it in its own log and sends the process
// SIGBUS, or oopses when its kernel did it. Mortise reports the access and the
// guest goes on; nothing outside the partition is touched. Tenon guests are
// stopped instead (the fault policy of docs/mortise.md): a real-time guest
// that strays is broken. The guest's EL1 registers are live on this CPU.
bool inject_abort(Vcpu& v, GuestRegs& r, tn::Ipa addr) {
    using namespace tn::arch;
    if (v.guest->desc().kernel != partition::Kernel::Linux)
        return false;
    vcpu::El1Entry el1{VbarEl1::read(), SctlrEl1::read()};
    // A fetch from the guest's own vector table faulted: an injected abort
    // would enter that table again and fault again, forever, unreported.
    constexpr u64 k_vector_table_size = 0x800;
    if (esr::ec(r.esr) == esr::ec_code::inst_abort_lower && r.pc - el1.vbar < k_vector_table_size) {
        char detail[288];
        stop_with_report(v, r, "exception vectors outside its partition",
                         abort_detail(v, r, addr, detail, sizeof detail));
        return true;
    }
    vcpu::Injection in = vcpu::external_abort(r, el1, entry_features());
    char fsc[48];
    const bool data = esr::ec(r.esr) == esr::ec_code::data_abort_lower;
    MLOG("guest '%s': %s outside its partition at IPA 0x%lx (%s): external abort injected", v.guest->desc().name,
         data ? (esr::write_not_read(r.esr) ? "write" : "read") : "instruction fetch", addr.value(),
         esr::fsc_describe(esr::fsc(r.esr), fsc, sizeof fsc));
    MLOG("  vCPU %u on CPU %u, PC 0x%lx at EL%u, VA 0x%lx, ESR_EL2 0x%lx, ESR_EL1 0x%lx", v.index, v.pcpu, r.pc,
         (r.pstate & 0xf) ? 1u : 0u, r.far, r.esr, in.esr_el1);
    deliver(in, r);
    return true;
}

// A Linux guest's access to a system register Mortise does not give guests
// becomes an undefined instruction at its EL1, as on a CPU without that
// register: the kernel reports it, a process gets SIGILL. Tenon guests are
// stopped instead (false).
bool inject_undefined(Vcpu& v, GuestRegs& r, const char* what, const char* name) {
    using namespace tn::arch;
    if (v.guest->desc().kernel != partition::Kernel::Linux)
        return false;
    MLOG("guest '%s': access to %s (%s) at PC 0x%lx: undefined instruction injected", v.guest->desc().name, what,
         name, r.pc);
    deliver(vcpu::undefined_instruction(r, {VbarEl1::read(), SctlrEl1::read()}, entry_features()), r);
    return true;
}

// Data abort with a valid instruction syndrome (ISS.ISV, Arm ARM D17.2.37.6):
// access size, register, sign extension and direction come from the ISS.
void data_abort(Vcpu& v, GuestRegs& r) {
    const u64 esr = r.esr;
    tn::Ipa ipa;
    if (!abort_ipa(r, ipa))
        return;  // the instruction runs again
    u64 offset = 0;
    MmioDevice* dev = v.guest->device_at(ipa, offset);
    if (!dev) {
        if (!inject_abort(v, r, ipa))
            stop_on_abort(v, r, ipa);
        return;
    }
    char detail[288], region[160];
    if (!abort_iss::Isv::get(esr)) {
        tn::fmt::format(detail, sizeof detail, "%s at IPA 0x%lx: %s", access_name(r), ipa.value(),
                        v.guest->describe_ipa(ipa, region, sizeof region));
        stop_with_report(v, r,
                         "device access Mortise cannot emulate (no instruction syndrome: use plain loads and stores)",
                         detail);
        return;
    }
    if (dev == &v.guest->uart())
        v.guest->count_uart_exit();
    unsigned size = 1u << abort_iss::Sas::get(esr);
    bool sign = abort_iss::Sse::get(esr);
    auto rt = static_cast<unsigned>(abort_iss::Srt::get(esr));
    bool sf = abort_iss::Sf::get(esr);
    bool ok;
    if (tn::arch::esr::write_not_read(esr)) {
        u64 value = reg(r, rt);
        if (size < 8)
            value &= (u64{1} << (size * 8)) - 1;
        ok = dev->write(v.index, offset, size, value);
    } else {
        u64 value = 0;
        ok = dev->read(v.index, offset, size, value);
        if (ok && sign && size < 8) {
            u64 bit = u64{1} << (size * 8 - 1);
            value = (value ^ bit) - bit;
        }
        if (ok && !sf)
            value &= 0xffff'ffffull;
        if (ok && rt != 31)
            r.x[rt] = value;
    }
    if (!ok) {
        tn::fmt::format(detail, sizeof detail, "%u-byte %s at IPA 0x%lx: offset 0x%lx of %s", size, access_name(r),
                        ipa.value(), offset, v.guest->describe_ipa(ipa, region, sizeof region));
        stop_with_report(v, r, "an access its emulated device does not implement", detail);
        return;
    }
    r.pc += tn::arch::esr::il(esr) ? 4 : 2;
}

// ---- Hypercall environment ----

class Memory final : public hypercall::GuestMemory {
public:
    explicit Memory(Guest& g) : m_guest(g) {}
    bool read(tn::Ipa ipa, void* dst, usize size) override {
        return each_piece(ipa, size,
                          [&](u8* p, usize at, usize n) { __builtin_memcpy(static_cast<u8*>(dst) + at, p, n); });
    }
    bool write(tn::Ipa ipa, const void* src, usize size) override {
        return each_piece(ipa, size,
                          [&](u8* p, usize at, usize n) { __builtin_memcpy(p, static_cast<const u8*>(src) + at, n); });
    }

private:
    // A guest buffer in one host-physical piece at once; else (coloured RAM) page by page, every
    // page checked before any byte is copied.
    template <class Fn>
    bool each_piece(tn::Ipa ipa, usize size, Fn&& fn) {
        if (u8* p = m_guest.ram(ipa, size)) {
            fn(p, 0, size);
            return true;
        }
        if (!partition::ram_window(m_guest.desc()).contains(ipa, size))
            return false;
        for (int pass = 0; pass < 2; ++pass)
            for (usize at = 0; at < size;) {
                const usize left = stage2::k_page - (ipa + at).value() % stage2::k_page;
                const usize n = left < size - at ? left : size - at;
                u8* p = m_guest.ram(ipa + at, n);
                if (!p)
                    return false;
                if (pass == 1)
                    fn(p, at, n);
                at += n;
            }
        return true;
    }

    Guest& m_guest;
};

void console_line(void*, const char* line, usize len) { tn::console::write(line, len); }

// Each call is one line (the guest side hands over whole lines, docs/mortise.md):
// its trailing line end is dropped, and the rest goes through the same
// vuart::GuestLine as the emulated UART's output, so a newline inside the text
// starts a line tagged again and control characters arrive escaped.
class Console final : public hypercall::ConsoleOps {
public:
    void write(unsigned index, const char* text, usize size) override {
        Guest* g = guest(index);
        if (!g)
            return;
        while (size && (text[size - 1] == '\n' || text[size - 1] == '\r'))
            --size;
        vuart::GuestLine line(g->desc().name, console_line, nullptr);
        for (usize i = 0; i < size; ++i)
            line.put(static_cast<u8>(text[i]));
        line.end_line();
    }
};

class LifecycleCalls final : public hypercall::LifecycleOps {
public:
    unsigned guest_count() const override { return mortise::guest_count(); }
    hypercall::GuestInfo info(unsigned i) const override {
        Guest* g = guest(i);
        return {static_cast<hypercall::GuestState>(g->state()), g->vcpu_count(), g->desc().name};
    }
    hypercall::Status start(unsigned i) override { return status(guest(i)->start()); }
    hypercall::Status pause(unsigned i) override { return status(guest(i)->pause()); }
    hypercall::Status resume(unsigned i) override { return status(guest(i)->resume()); }
    hypercall::Status destroy(unsigned i) override {
        guest(i)->stop(false);
        return hypercall::Status::Success;
    }
    hypercall::Status restart(unsigned i) override { return status(guest(i)->restart()); }
};

Console g_console;
LifecycleCalls g_lifecycle;

// SMCCC call by the guest (HVC #0, or SMC #0 trapped by HCR_EL2.TSC): PSCI
// functions go to the guest's vPSCI, the Arm architecture calls (SMCCC_VERSION,
// SMCCC_ARCH_FEATURES) to mortise/smccc.hpp, everything else to the hypercall table.
void smccc_call(Vcpu& v, GuestRegs& r) {
    Guest& g = *v.guest;
    u32 fid = static_cast<u32>(r.x[0]);
    if (vpsci::Vpsci::owns(fid)) {
        vpsci::Outcome o = g.psci().call(v.index, r.x[0], r.x[1], r.x[2], r.x[3]);
        r.x[0] = o.x0;
        return;
    }
    if (smccc::owns(fid)) {
        using namespace tn::arch;
        smccc::Exposure cpu = smccc::classify(MidrEl1::read(), IdAa64pfr0El1::read(), IdAa64mmfr1El1::read());
        r.x[0] = static_cast<u64>(smccc::call(r.x[0], r.x[1], cpu));
        return;
    }
    Memory memory(g);
    hypercall::Env env{&memory, &g_console, &g_lifecycle, &g_ivc_ops, &g_instance_ops, g_sched_ops};
    hypercall::Caller caller{g.index(), v.index, g.desc().privileged};
    const u64(&args)[7] = *reinterpret_cast<const u64(*)[7]>(r.x);
    hypercall::Return ret = g_hypercalls.dispatch(caller, args, env);
    r.x[0] = static_cast<u64>(ret.x0);
    r.x[1] = ret.x1;
    r.x[2] = ret.x2;
    r.x[3] = ret.x3;
}

// Trapped MSR/MRS (EC 0x18): writes of ICC_SGI1R_EL1, ICC_ASGI1R_EL1 and
// ICC_SGI0R_EL1 (S3_0_C12_C11_{5,6,7}, trapped because HCR_EL2.IMO and FMO
// route interrupts to EL2) go to the vGIC; the rest by class
// (mortise/sysreg_trap.hpp).
bool is_sgi_write(u64 esr) {
    using S = IccSgi1rEl1;
    return !sysreg_iss::Read::get(esr) && sysreg_iss::Op0::get(esr) == S::op0 && sysreg_iss::Op1::get(esr) == S::op1 &&
           sysreg_iss::Crn::get(esr) == S::crn && sysreg_iss::Crm::get(esr) == S::crm &&
           sysreg_iss::Op2::get(esr) >= S::op2;
}

void sysreg(Vcpu& v, GuestRegs& r) {
    if (is_sgi_write(r.esr)) {
        auto rt = static_cast<unsigned>(sysreg_iss::Rt::get(r.esr));
        u32 targets = v.guest->vgic().send_sgi(v.index, reg(r, rt));
        for (unsigned i = 0; i < v.guest->vcpu_count(); ++i)
            if (targets & (1u << i))
                kick_vcpu(v.guest->vcpu(i));
        r.pc += 4;
        return;
    }
    vcpu::SysregAccess a = vcpu::decode_sysreg(r.esr);
    vcpu::SysregClass c = vcpu::classify(a);
    if (c == vcpu::SysregClass::Mdscr) {  // the guest's own, live on this CPU
        if (a.read && a.rt != 31)
            r.x[a.rt] = tn::arch::MdscrEl1::read();
        else if (!a.read)
            tn::arch::MdscrEl1::write(reg(r, a.rt) & vcpu::k_mdscr_guest_bits);
        r.pc += 4;
        return;
    }
    if (vcpu::emulated(c)) {  // PMU, debug, ACTLR_EL1, RAS records, LORegions: read as zero, writes ignored
        if (a.read && a.rt != 31)
            r.x[a.rt] = vcpu::emulated_read(c);
        r.pc += 4;
        return;
    }
    char name[24], what[96];
    vcpu::sysreg_name(a, name, sizeof name);
    if (inject_undefined(v, r, vcpu::class_description(c), name))
        return;
    tn::fmt::format(what, sizeof what, "access to %s (%s)", vcpu::class_description(c), name);
    stop_with_report(v, r, what);
}

// An exit from AArch32, which only a Linux guest's 32-bit process can cause
// (EL1 is AArch64): an abort outside the partition or a trapped coprocessor
// or system register access. The process gets what hardware would give it
// (an external abort or an undefined instruction), never its whole guest
// stopped. A Tenon guest has no AArch32 code: it is stopped.
void aarch32_exit(Vcpu& v, GuestRegs& r) {
    const u32 code = tn::arch::esr::ec(r.esr);
    if (code == ec::data_abort_lower || code == ec::inst_abort_lower) {
        tn::Ipa ipa;
        if (!abort_ipa(r, ipa))
            return;
        if (!inject_abort(v, r, ipa))
            stop_with_report(v, r, "AArch32 execution is not supported");
        return;
    }
    char name[40];
    tn::fmt::format(name, sizeof name, "exception class 0x%x", code);
    if (!inject_undefined(v, r, "a register or instruction from AArch32", name))
        stop_with_report(v, r, "AArch32 execution is not supported");
}

void dispatch(Vcpu& v, GuestRegs& r) {
    if (SpsrEl2::Aarch32::get(r.pstate)) {
        aarch32_exit(v, r);
        return;
    }
    switch (tn::arch::esr::ec(r.esr)) {
    case ec::hvc64:
        smccc_call(v, r);
        return;
    case ec::smc64:
        smccc_call(v, r);
        r.pc += 4;  // a trapped SMC returns to itself
        return;
    case ec::data_abort_lower:
        data_abort(v, r);
        return;
    case ec::sysreg:
        sysreg(v, r);
        return;
#ifdef CONFIG_MORTISE_MODE2
    case ec::wfx:  // only mode-2 guests trap them
        guest_wfx(v, r);
        return;
#endif
    case ec::inst_abort_lower: {
        tn::Ipa ipa;
        if (!abort_ipa(r, ipa))
            return;  // the guest changed its tables meanwhile: fetch again
        if (!inject_abort(v, r, ipa))
            stop_on_abort(v, r, ipa);
        return;
    }
    default:
        stop_with_report(v, r, "an exception Mortise does not handle for guests");
        return;
    }
}

}  // namespace

hypercall::Status status(GuestResult r) {
    using hypercall::Status;
    if (r.ok())
        return Status::Success;
    switch (r.error()) {
    case GuestError::WrongState:
        return Status::InvalidState;
    case GuestError::Busy:
        return Status::Busy;
    case GuestError::NotCreated:
    case GuestError::NoImage:
    case GuestError::BadImage:
    case GuestError::ImageTooLarge:
    case GuestError::DeviceTreeTooLarge:
    case GuestError::TooManyVcpus:
    case GuestError::NoRam:
    case GuestError::OutOfTables:
    case GuestError::MapFailed:
    case GuestError::SpiUnavailable:
    case GuestError::BadDtOverlay:
        return Status::Unavailable;
    }
    return Status::Unavailable;
}

bool init_hypercalls() {
    if (!g_hypercalls.add_linked()) {
        MLOG("hypercall table: %s", g_hypercalls.error());
        return false;
    }
    return true;
}

}  // namespace mortise

using namespace mortise;

extern "C" void mortise_guest_sync(GuestRegs* regs) {
    Vcpu& v = *current_vcpu();
    after_exit(v);
    dispatch(v, *regs);
    before_entry(v);
}

// The HVC fast path (arch/arm64/src/el2/vectors.S): a hypercall the table
// declares fast (hypercall::Function::fast: no switch, no stop, nothing
// changed in the caller's own vGIC) runs straight from the vector on a frame
// of x0-x18 and x30, and the guest resumes without the full exit's list
// register fold and refill (after_exit, before_entry) and state check: none
// has anything to do, as nothing this call did concerns this vCPU, and what
// another CPU does to it meanwhile (an injection, a pause, a stop) comes with
// a kick SGI, taken at EL2 as soon as the guest runs again. The argument
// checks are dispatch()'s. False: not such a call (PSCI, SMCCC, an unknown or
// a slow function): the vector completes the frame and calls
// mortise_guest_sync.
extern "C" bool mortise_guest_hvc_fast(GuestRegs* regs) {
    Vcpu& v = *current_vcpu();
    Guest& g = *v.guest;
#ifdef CONFIG_MORTISE_MODE2
    // A mode-2 vCPU's exits hold the preemption lock (after_exit): a doorbell it
    // rings for a vCPU of its CPU must not switch to it under the lock it rang with.
    if (g.desc().mode == 2)
        return false;
#endif
    Memory memory(g);
    hypercall::Env env{&memory, &g_console, &g_lifecycle, &g_ivc_ops, &g_instance_ops, g_sched_ops};
    hypercall::Caller caller{g.index(), v.index, g.desc().privileged};
    const u64(&args)[7] = *reinterpret_cast<const u64(*)[7]>(regs->x);
    hypercall::Return ret;
    if (!g_hypercalls.dispatch_fast(caller, args, env, ret))
        return false;
    regs->x[0] = static_cast<u64>(ret.x0);
    regs->x[1] = ret.x1;
    regs->x[2] = ret.x2;
    regs->x[3] = ret.x3;
    return true;
}

extern "C" void mortise_guest_irq(GuestRegs* regs) {
    Vcpu& v = *current_vcpu();
    after_exit(v);
    tn_arch_irq(reinterpret_cast<tn::arch::Frame*>(regs));
    before_entry(v);
}

extern "C" void mortise_guest_serror(GuestRegs* regs) {
    Vcpu& v = *current_vcpu();
    after_exit(v);
    stop_with_report(v, *regs, "SError (asynchronous external abort)");
    before_entry(v);
}
