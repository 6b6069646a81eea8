// Registers with one bit, two bits or one byte per INTID, which sit at the same
// offsets in the GICv2 distributor (IHI 0048B.b §4.3), the GICv3 distributor
// (IHI 0069H.b §12.9) and a GICv3 redistributor's SGI_base frame (§12.11,
// INTIDs 0-31 only), and the helpers both GIC drivers use on them.
//
// Bit and byte positions (IHI 0069H.b §12.9.9, §12.9.20; IHI 0048B.b §4.3.5,
// §4.3.11, §4.3.13): INTID n is bit n % 32 of register n / 32 in the bitmap
// registers, byte n of the priority array, and bits [2(n % 16) + 1 : 2(n % 16)]
// of configuration register n / 16, where the upper bit set means edge.
//
// Writes to the set/clear registers (ISENABLER, ICENABLER, ...) touch only the
// bits written as 1, so they need no read-modify-write and cannot race.
//
// Bulk set-up writes whole registers: 32 INTIDs per bitmap write, and 4 per
// priority write, as IPRIORITYR is word- as well as byte-accessible (IHI 0048B.b
// §4.3.11, IHI 0069H.b §12.9.20).
#pragma once

#include <tn/irq.hpp>
#include <tn/mmio.hpp>
#include <tn/register.hpp>
#include <tn/types.hpp>

namespace tn::gic {

template <usize Size>
struct IntidRegs : Mmio<Size> {
    struct Igroupr : RegArray<0x080, u32, 32> {};     // 1: Group 1
    struct Isenabler : RegArray<0x100, u32, 32> {};   // write 1: enable
    struct Icenabler : RegArray<0x180, u32, 32> {};   // write 1: disable
    struct Ispendr : RegArray<0x200, u32, 32> {};     // write 1: make pending
    struct Icpendr : RegArray<0x280, u32, 32> {};     // write 1: clear pending
    struct Isactiver : RegArray<0x300, u32, 32> {};
    struct Icactiver : RegArray<0x380, u32, 32> {};   // write 1: deactivate
    struct Ipriorityr : RegArray<0x400, u8, 1020> {};  // byte-accessible
    struct IpriorityrWords : RegArray<0x400, u32, 255> {};  // the same, 4 INTIDs each
    struct Icfgr : RegArray<0xc00, u32, 64> {};
    using Mmio<Size>::Mmio;
};

constexpr u32 bit(u32 intid) { return u32{1} << (intid % 32); }
constexpr usize word(u32 intid) { return intid / 32; }
constexpr usize cfg_word(u32 intid) { return intid / 16; }
constexpr u32 cfg_edge_bit(u32 intid) { return u32{1} << (2 * (intid % 16) + 1); }
/// A 32-bit register value holding @p b in each of its four byte fields.
constexpr u32 each_byte(u8 b) { return u32{b} * 0x01010101u; }

template <class Regs>
void enable(const Regs& r, u32 intid) {
    r.template write<typename Regs::Isenabler>(word(intid), bit(intid));
}

template <class Regs>
void disable(const Regs& r, u32 intid) {
    r.template write<typename Regs::Icenabler>(word(intid), bit(intid));
}

template <class Regs>
bool enabled(const Regs& r, u32 intid) {
    return r.template read<typename Regs::Isenabler>(word(intid)) & bit(intid);
}

template <class Regs>
void set_pending(const Regs& r, u32 intid) {
    r.template write<typename Regs::Ispendr>(word(intid), bit(intid));
}

template <class Regs>
void set_priority(const Regs& r, u32 intid, u8 priority) {
    r.template write<typename Regs::Ipriorityr>(intid, priority);
}

/// Writes @p intid's trigger and reports whether the hardware kept it: the
/// field is read-only for SGIs and, implementation defined, for some PPIs.
/// @pre the interrupt is disabled (changing it while enabled is UNPREDICTABLE,
/// IHI 0048B.b §4.3.13).
template <class Regs>
bool write_trigger(const Regs& r, u32 intid, irq::Trigger trigger) {
    using Icfgr = typename Regs::Icfgr;
    u32 edge = cfg_edge_bit(intid);
    u32 v = r.template read<Icfgr>(cfg_word(intid));
    v = trigger == irq::Trigger::Edge ? v | edge : v & ~edge;
    r.template write<Icfgr>(cfg_word(intid), v);
    return (r.template read<Icfgr>(cfg_word(intid)) & edge) == (v & edge);
}

/// Puts INTIDs [first, last] into a known state: disabled, neither pending nor
/// active, level-triggered (SPIs only: SGI/PPI configuration is left as the
/// hardware defines it), @p priority. @pre first % 32 == 0, (last + 1) % 4 == 0
/// (a GIC implements INTIDs in blocks of 32, the last block capped at 1019).
template <class Regs>
void reset_range(const Regs& r, u32 first, u32 last, u8 priority) {
    for (u32 id = first; id <= last; id += 32) {
        r.template write<typename Regs::Icenabler>(word(id), ~u32{0});
        r.template write<typename Regs::Icpendr>(word(id), ~u32{0});
        r.template write<typename Regs::Icactiver>(word(id), ~u32{0});
    }
    for (u32 id = first; id <= last; id += 4)
        r.template write<typename Regs::IpriorityrWords>(id / 4, each_byte(priority));
    for (u32 id = first < irq::k_spi_first ? irq::k_spi_first : first; id <= last; id += 16)
        r.template write<typename Regs::Icfgr>(cfg_word(id), 0);
}

/// Puts INTIDs [first, last] into Group 1. @pre first % 32 == 0.
template <class Regs>
void set_group1(const Regs& r, u32 first, u32 last) {
    for (u32 id = first; id <= last; id += 32)
        r.template write<typename Regs::Igroupr>(word(id), ~u32{0});
}

}  // namespace tn::gic
