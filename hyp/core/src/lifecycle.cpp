// The guest lifecycle state machine (lifecycle.hpp has the states, the
// transitions and the locking).
#include "lifecycle.hpp"

#include <tn/assert.hpp>
#include <tn/types.hpp>

namespace mortise {

namespace {

bool off_state(GuestState s) { return s == GuestState::Stopped || s == GuestState::Faulted; }

// The transitions of the file comment in lifecycle.hpp, and no others.
bool allowed(GuestState from, GuestState to) {
    switch (to) {
    case GuestState::Running:
        return off_state(from) || from == GuestState::Paused;
    case GuestState::Paused:
        return from == GuestState::Running;
    case GuestState::Stopped:
    case GuestState::Faulted:
        return !off_state(from);
    }
    return false;
}

}  // namespace

const char* state_name(GuestState s) {
    static const char* const names[] = {"stopped", "running", "paused", "faulted"};
    return tn::enum_name(names, s);
}

const char* error_name(GuestError e) {
    static const char* const names[] = {
        "not possible in this state", "its vCPUs are still leaving their CPUs", "it was never set up",
        "its image is not embedded", "its image has no arm64 Image header", "its image does not fit in its RAM",
        "its device tree does not fit", "too many vCPUs", "no free RAM for it", "out of stage-2 tables",
        "stage-2 mapping failed", "an interrupt cannot be passed through", "its dt-overlay was refused",
    };
    return tn::enum_name(names, e);
}

// Holds m_lock and says so in m_locked, for the assertions of the *_locked
// functions.
class Lifecycle::Locked {
public:
    explicit Locked(Lifecycle& l) : m_life(l) {
        m_life.m_lock.lock();
        TN_ASSERT(!m_life.m_locked);
        m_life.m_locked = true;
    }
    ~Locked() {
        m_life.m_locked = false;
        m_life.m_lock.unlock();
    }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

private:
    Lifecycle& m_life;
};

void Lifecycle::set_created(unsigned vcpu_count) {
    TN_ASSERT(m_hooks != nullptr);
    TN_ASSERT(vcpu_count > 0 && vcpu_count <= k_max_vcpus);
    TN_ASSERT(m_vcpu_count == 0);
    m_vcpu_count = vcpu_count;
}

GuestResult Lifecycle::retire() {
    Locked guard(*this);
    if (!created())
        return tn::err(GuestError::NotCreated);
    if (!off_state(m_state))
        return tn::err(GuestError::WrongState);
    if (m_stopping || vcpus_on() != 0)
        return tn::err(GuestError::Busy);
    // Nothing is posted or on a CPU: the next guest in this slot starts from the reset state
    // (Faulted -> Stopped is no transition of the machine: this is a new guest).
    m_vcpu_count = 0;
    m_online = 0;
    __atomic_store_n(&m_paused, 0u, __ATOMIC_RELAXED);
    __atomic_store_n(&m_restart, false, __ATOMIC_RELEASE);
    __atomic_store_n(&m_state, GuestState::Stopped, __ATOMIC_RELEASE);
    return {};
}

void Lifecycle::set_state(GuestState to) {
    TN_ASSERT(m_locked);
    TN_ASSERT(allowed(m_state, to));
    __atomic_store_n(&m_state, to, __ATOMIC_RELEASE);
}

void Lifecycle::set_paused(unsigned vcpu, bool paused) {
    TN_ASSERT(m_locked);
    tn::u32 bit = tn::u32{1} << vcpu;
    if (paused)
        __atomic_fetch_or(&m_paused, bit, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&m_paused, ~bit, __ATOMIC_RELAXED);
}

GuestResult Lifecycle::start() {
    Locked guard(*this);
    return start_locked();
}

GuestResult Lifecycle::start_locked() {
    TN_ASSERT(m_locked);
    if (!created())
        return tn::err(GuestError::NotCreated);
    if (!off_state(m_state))
        return tn::err(GuestError::WrongState);
    if (m_stopping)
        return tn::err(GuestError::Busy);
    // Every start request was taken back when the guest stopped, and none is
    // posted while it is off: a vCPU still counted on is a CPU that will fail
    // to take its request (vcpu_withdrawn), or take the one posted below.
    TN_TRY(m_hooks->boot());
    __atomic_store_n(&m_paused, 0u, __ATOMIC_RELAXED);
    __atomic_store_n(&m_restart, false, __ATOMIC_RELEASE);
    set_state(GuestState::Running);
    m_hooks->booted();
    m_online = 1;  // vCPU 0 only: the others come with PSCI CPU_ON
    m_hooks->post(0);
    return {};
}

GuestResult Lifecycle::pause() {
    Locked guard(*this);
    if (m_state != GuestState::Running)
        return tn::err(GuestError::WrongState);
    set_state(GuestState::Paused);
    for (unsigned i = 0; i < m_vcpu_count; ++i)
        if (m_hooks->recall(i))
            set_paused(i, true);  // was about to start: resume starts it
    return {};
}

GuestResult Lifecycle::resume() {
    Locked guard(*this);
    if (m_state != GuestState::Paused)
        return tn::err(GuestError::WrongState);
    if (vcpus_on() != 0)
        return tn::err(GuestError::Busy);
    set_state(GuestState::Running);
    // The paused vCPUs continue; each clears its bit as it enters.
    tn::u32 paused = __atomic_load_n(&m_paused, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < m_vcpu_count; ++i)
        if (paused & (tn::u32{1} << i))
            m_hooks->post(i);
    return {};
}

void Lifecycle::stop(bool fault) {
    Locked guard(*this);
    __atomic_store_n(&m_restart, false, __ATOMIC_RELEASE);  // a destroy wins over a restart still waiting
    stop_locked(fault);
}

void Lifecycle::stop_locked(bool fault) {
    TN_ASSERT(m_locked);
    if (off_state(m_state))
        return;
    set_state(fault ? GuestState::Faulted : GuestState::Stopped);
    m_stopping = true;
    m_hooks->halted();
    for (unsigned i = 0; i < m_vcpu_count; ++i) {
        set_paused(i, false);
        (void)m_hooks->recall(i);
    }
    if (vcpus_on() == 0)
        finish_locked();
}

GuestResult Lifecycle::restart() {
    Locked guard(*this);
    if (!created())
        return tn::err(GuestError::NotCreated);
    if (off_state(m_state) && !m_stopping)
        return start_locked();
    // Running or Paused: stop first. Stopped with vCPUs still leaving: the
    // last one to leave boots it.
    __atomic_store_n(&m_restart, true, __ATOMIC_RELEASE);
    stop_locked(false);
    return {};
}

// The guest is stopped and its last vCPU has left: boot it again if a
// restart waits, otherwise it is off for good.
void Lifecycle::finish_locked() {
    TN_ASSERT(m_locked);
    TN_ASSERT(off_state(m_state) && m_stopping);
    m_stopping = false;
    if (m_restart) {
        // boot() sees restart_pending(); start_locked() clears it on success.
        if (start_locked().ok())
            return;
        __atomic_store_n(&m_restart, false, __ATOMIC_RELEASE);
    }
    m_hooks->all_off();
}

GuestResult Lifecycle::start_vcpu(unsigned vcpu) {
    TN_ASSERT(vcpu < m_vcpu_count);
    Locked guard(*this);
    if (m_state != GuestState::Running)
        return tn::err(GuestError::WrongState);
    m_online |= tn::u32{1} << vcpu;
    m_hooks->post(vcpu);
    return {};
}

bool Lifecycle::vcpu_entered(unsigned vcpu) {
    TN_ASSERT(vcpu < m_vcpu_count);
    unsigned on = __atomic_add_fetch(&m_on, 1, __ATOMIC_SEQ_CST);
    TN_ASSERT(on <= m_vcpu_count);
    tn::u32 bit = tn::u32{1} << vcpu;
    return __atomic_fetch_and(&m_paused, ~bit, __ATOMIC_RELAXED) & bit;
}

void Lifecycle::vcpu_left(unsigned vcpu, bool saved) {
    TN_ASSERT(vcpu < m_vcpu_count);
    Locked guard(*this);
    // A vCPU keeps its context only when it leaves for a pause (a stop may
    // have come since its CPU decided to save it).
    set_paused(vcpu, saved && m_state == GuestState::Paused);
    // Decided before it is counted off: the count reaching zero may finish a
    // stop and restart the guest, whose new vCPU 0 is not this one.
    if (!saved && (m_state == GuestState::Running || m_state == GuestState::Paused)) {
        m_online &= ~(tn::u32{1} << vcpu);  // PSCI CPU_OFF (lifecycle.hpp)
        if (m_online == 0) {
            m_hooks->last_vcpu_off(vcpu);
            stop_locked(false);  // finished below, when this vCPU is counted off
        }
    }
    count_off_locked();
}

void Lifecycle::vcpu_withdrawn(unsigned vcpu) {
    TN_ASSERT(vcpu < m_vcpu_count);
    Locked guard(*this);
    count_off_locked();
}

void Lifecycle::count_off_locked() {
    TN_ASSERT(m_locked);
    unsigned before = __atomic_fetch_sub(&m_on, 1, __ATOMIC_SEQ_CST);
    TN_ASSERT(before > 0);  // every vCPU that leaves was counted on by vcpu_entered()
    // The stop finished already if nothing was counted on when it looked
    // (this was a CPU counting on a request the stop had taken back).
    if (before == 1 && off_state(m_state) && m_stopping)
        finish_locked();
}

}  // namespace mortise
