#include <mortise/stage2.hpp>
#include <tn/arch/sysreg.hpp>

namespace mortise::stage2 {

namespace {

namespace pg = tn::arch::pgtable;

namespace d = pg::desc;
using tn::arch::VtcrEl2;
using tn::arch::VttbrEl2;

// Stage-2 MemAttr[3:0] (Arm ARM D8.5.5, FEAT_S2FWB off): outer bits 3:2, inner 1:0, 0b01 each
// = Normal Non-cacheable.
constexpr u64 k_memattr_normal_nc = 0x5;

Error convert(pg::Error e) {
    switch (e) {
    case pg::Error::Misaligned: return Error::Misaligned;
    case pg::Error::OutOfTables: return Error::OutOfTables;
    default: return Error::OutOfRange;
    }
}

Result<void, Error> convert(Result<void, pg::Error> r) {
    if (r.ok())
        return {};
    return tn::err(convert(r.error()));
}

}  // namespace

const char* error_name(Error e) {
    static const char* const names[] = {"Misaligned", "OutOfRange", "OutOfTables"};
    return tn::enum_name(names, e);
}

u64 leaf_attributes(Mem mem, Perms perms) {
    u64 a = d::Af::bits(1);
    if (mem == Mem::Normal)
        a |= d::MemAttr::bits(d::k_memattr_normal_wb) | d::Sh::bits(d::k_sh_inner);
    else if (mem == Mem::NormalNc)
        a |= d::MemAttr::bits(k_memattr_normal_nc) | d::Sh::bits(d::k_sh_inner);
    else
        a |= d::MemAttr::bits(d::k_memattr_device_ngnre);
    if (perms.read)
        a |= d::S2apRead::bits(1);
    if (perms.write)
        a |= d::S2apWrite::bits(1);
    // Device memory is never executable: speculative instruction fetches
    // must not reach device registers.
    if (!perms.exec || mem == Mem::Device)
        a |= d::Xn::bits(1);
    return a;
}

u64 vtcr(unsigned pa_range) {
    // Walks start at level 1 (SL0) over a k_ipa_bits input space (T0SZ), with
    // write-back, inner-shareable table walks; 4 KiB granule (TG0 0); PS from
    // the CPU's PARange, at most 5 (48 bits).
    u64 ps = pa_range > 5 ? 5 : pa_range;
    return VtcrEl2::Res1::bits(1) | VtcrEl2::T0sz::bits(64 - k_ipa_bits) | VtcrEl2::Sl0::bits(VtcrEl2::sl0_level1) |
           VtcrEl2::Irgn0::bits(VtcrEl2::cache_wbwa) | VtcrEl2::Orgn0::bits(VtcrEl2::cache_wbwa) |
           VtcrEl2::Sh0::bits(VtcrEl2::sh_inner) | VtcrEl2::Ps::bits(ps);
}

// The arm64 builder is written for stage 1 and takes integers: here its input
// addresses are IPAs and its output addresses physical.
Result<void, Error> Table::map(Ipa ipa, PhysAddr pa, u64 size, Mem mem, Perms perms) {
    return convert(m_builder.map_attributes(ipa.value(), pa.value(), size, leaf_attributes(mem, perms)));
}

Result<void, Error> Table::unmap(Ipa ipa, u64 size) { return convert(m_builder.unmap(ipa.value(), size)); }

Result<Translation, Error> Table::translate(Ipa ipa) const {
    auto leaf = m_builder.leaf(ipa.value());
    if (!leaf.ok())
        return tn::err(convert(leaf.error()));
    u64 e = leaf.value().descriptor;
    unsigned level = leaf.value().level;
    u64 block = pg::block_size(level);
    Translation t{};
    t.pa = PhysAddr{(d::OutputAddr::mask & e & ~(block - 1)) | (ipa.value() & (block - 1))};
    const u64 attr = d::MemAttr::get(e);
    t.mem = attr == d::k_memattr_normal_wb ? Mem::Normal : attr == k_memattr_normal_nc ? Mem::NormalNc : Mem::Device;
    t.perms = {d::S2apRead::get(e) != 0, d::S2apWrite::get(e) != 0, d::Xn::get(e) == 0};
    t.level = level;
    return t;
}

u64 Table::vttbr() const { return reinterpret_cast<u64>(m_builder.root()) | VttbrEl2::Vmid::bits(m_vmid); }

}  // namespace mortise::stage2
