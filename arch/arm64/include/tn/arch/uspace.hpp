// EL0 address spaces (CONFIG_ARCH_ARM64_EL0): one set of EL1 stage-1
// translation tables per process, loaded into TTBR0_EL1 with the process's
// ASID when one of its threads runs (tn/arch/context.hpp).
//
// Layout. Tenon's kernel is an identity map in TTBR0 (tn/arch/mmu.hpp), so a
// process's tables are the kernel's root table with one more level-1 entry:
// the user window [k_user_base, k_user_base + k_user_size), a gigabyte the
// kernel never maps. The kernel's entries are copied when a space is made,
// and every level-1 entry the kernel adds later (a device, a stack window
// gigabyte) is copied into every live space at once (mmu.cpp): kernel
// entries only ever go from invalid to valid, so no break-before-make. The
// kernel's pages stay EL1-only (AP[1] = 0) and global; a process's pages
// are EL0 accessible, not global (tagged with its ASID), and never
// executable at EL1 (PXN).
//
// What the CPU offers. QEMU's cortex-a53 implements ARMv8.0-A: no PAN
// (v8.1) and no UAO (v8.2). Nothing here relies on them: the kernel reaches
// a process's memory only through copy_user() and copy_user_string(), which
// take addresses already checked to lie in the user window (in_window())
// and whose faults return an error instead of stopping the kernel.
//
// ASIDs: 8 bits (TCR_EL1.AS = 0), 0 is the kernel's; 255 spaces at most at
// a time. A space's ASID is flushed from every CPU's TLB when the space is
// destroyed, so the next space that gets it starts clean.
#pragma once

#include <tn/arch/pgtable.hpp>
#include <tn/result.hpp>
#include <tn/types.hpp>

namespace tn::arch::uspace {

/// The user window: the same virtual range in every process.
constexpr u64 k_user_base = 0x60'0000'0000;
/// Its size: one level-1 entry (1 GiB).
constexpr u64 k_user_size = pgtable::block_size(1);
/// ASIDs available to processes (1..k_max_asids).
constexpr unsigned k_max_asids = 255;

enum class Error {
    NoAsid,       ///< k_max_asids spaces exist.
    NoMemory,     ///< A translation table could not be allocated.
    BadRange,     ///< Not page-aligned or not inside the user window.
};

/// One process's translation tables. Zero-initialised: not made yet.
struct Space {
    u64* root = nullptr;  ///< Level-1 table: the kernel's entries plus the user window.
    u16 asid = 0;
    Space* next = nullptr;  ///< The live spaces (mmu.cpp copies new kernel entries into them).
};

/// Frees one page or table that a space held (@p pa, @p bytes: a page, a
/// table, or a block a map() made).
using FreeFn = void (*)(u64 pa, u64 bytes, void* ctx);

/// Makes @p s: a root (from @p alloc, zeroed) holding the kernel's entries,
/// and an ASID. Errors: NoAsid, NoMemory. Thread context.
Result<void, Error> create(Space& s, pgtable::AllocTable alloc, void* ctx);
/// Maps [va, va + size) of the user window to [pa, pa + size) with
/// user_leaf_attributes(@p perms); new tables from @p alloc. Only where
/// nothing is mapped yet. Errors: BadRange, NoMemory.
Result<void, Error> map(Space& s, u64 va, u64 pa, u64 size, pgtable::Perms perms, pgtable::AllocTable alloc,
                        void* ctx);
/// Unmaps [va, va + size) of the user window and flushes it (this ASID, every
/// CPU); @p free gets each page that was mapped there. Errors: BadRange.
Result<void, Error> unmap(Space& s, u64 va, u64 size, FreeFn free, void* ctx);
/// Gives the mapped pages of [va, va + size) @p perms (read-only after
/// relocation, for instance) and flushes them. Errors: BadRange (also when
/// a page there is not mapped).
Result<void, Error> protect(Space& s, u64 va, u64 size, pgtable::Perms perms);
/// The physical address @p va of the user window maps to, with its
/// permissions; an error when it is not mapped.
Result<pgtable::Translation, Error> translate(const Space& s, u64 va);
/// Destroys @p s: takes it off the live list, flushes its ASID from every
/// CPU's TLB and hands every page and table it held to @p free (the root
/// last). @pre no CPU translates with it (its threads run no more, and the
/// caller switched itself to the kernel's tables if it was one of them).
void destroy(Space& s, FreeFn free, void* ctx);
/// Copies the kernel's level-1 entries that live spaces lack: mmu.cpp calls
/// it after every mapping it adds to the kernel's tables. Any context.
void kernel_entries_changed();
/// TTBR0_EL1 for @p s: its root and its ASID.
inline u64 ttbr(const Space& s) { return reinterpret_cast<u64>(s.root) | (u64{s.asid} << 48); }

/// True when [addr, addr + size) lies in the user window (size 0 included).
inline bool in_window(u64 addr, u64 size) {
    return addr >= k_user_base && size <= k_user_size && addr - k_user_base <= k_user_size - size;
}

/// Copies @p n bytes from @p src to @p dst where one of them is in the user
/// window of the running space (the caller checked it with in_window()).
/// @return true, or false when an access faulted (unmapped, or a write to
/// a read-only page): the copy stopped part way.
bool copy_user(void* dst, const void* src, usize n);
/// Copies a NUL-terminated string of at most @p max bytes (NUL included)
/// from the user window to @p dst. @return its length without the NUL, -1
/// when an access faulted or it leaves the window, -2 when it is longer.
long copy_user_string(char* dst, u64 src, usize max);

}  // namespace tn::arch::uspace

namespace tn::arch {
struct Frame;
/// The fault hook of the kernel's synchronous exception path: when @p f is a
/// data abort of copy_user() or copy_user_string(), makes it return its
/// error and answers true (the caller returns to it). Without
/// ARCH_ARM64_EL0 always false.
bool uaccess_fixup(Frame& f);
/// Enters EL0 at @p pc with SP_EL0 = @p sp and x0-x2 = @p a0-@p a2, every
/// other register zero, on the calling thread's kernel stack (which the
/// thread's EL0 exceptions then use), TPIDR_EL0 = @p tls, and EL0 allowed
/// to read the virtual counter on this CPU. @p ctx: the thread's EL0 context,
/// kept on that stack and handed to tn_arch_el0_svc() and
/// tn_arch_el0_exit() (lib/process: its Process). Never returns.
[[noreturn]] void enter_el0(u64 pc, u64 sp, u64 a0, u64 a1, u64 a2, u64 tls, void* ctx);
}  // namespace tn::arch

// What the library that runs processes (lib/process) provides to the EL0
// exception entries (vectors.S).
extern "C" {
/// A system call from EL0 (SVC), IRQs enabled. @p frame holds x0-x18, x30,
/// sp, elr, spsr and esr only (x19-x29 stay live in their registers: the
/// call preserves them); the result goes to frame->x[0]. @p ctx: the
/// thread's EL0 context (enter_el0()). Returns with IRQs masked, after the
/// check tn_arch_el0_exit() makes (it may end the thread instead).
void tn_arch_el0_svc(tn::arch::Frame* frame, void* ctx);
/// Any other synchronous exception from EL0 (IRQs masked on entry): a
/// fault, the lazy FP trap; a full frame. Returns to resume the thread with
/// @p frame.
void tn_arch_el0_sync(tn::arch::Frame* frame);
/// Called with IRQs masked on every other way back to EL0 (@p ctx as for
/// tn_arch_el0_svc()): may end the thread (its process was killed) instead
/// of returning.
void tn_arch_el0_exit(tn::arch::Frame* frame, void* ctx);
}
