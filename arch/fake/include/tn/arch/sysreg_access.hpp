// Fake arch contract (host tests): TN_SYSREG's read()/write() act on a
// register file with one copy per host thread (one host thread is one CPU),
// zero at thread start. A test sets what code under test will read with the
// register's own write(), e.g. tn::arch::CntpctEl0::write(1000), and checks
// what it wrote with read(). Same macro as arm64's sysreg_access.hpp.
#pragma once

namespace tn::arch::fake {

/// The calling thread's copy of register @p R.
template <class R>
typename R::Access& sysreg() {
    thread_local typename R::Access value{};
    return value;
}

}  // namespace tn::arch::fake

#define TN_SYSREG_ACCESSORS(Name, asm_name, T)                      \
    static T read() { return ::tn::arch::fake::sysreg<Name>(); }    \
    static void write(T v) { ::tn::arch::fake::sysreg<Name>() = v; }
