#include <mortise/stage2.hpp>

namespace mortise::stage2 {

namespace {

namespace pg = tn::arch::pgtable;

// Stage-2 block and page descriptor fields (Arm ARM D8.3.2, D8.5.5).
constexpr u64 k_memattr_shift = 2;          // MemAttr[3:0], bits [5:2]
constexpr u64 k_memattr_normal_wb = 0xf;    // outer and inner write-back cacheable
constexpr u64 k_memattr_device_ngnre = 0x1;
constexpr u64 k_s2ap_read = u64{1} << 6;    // S2AP[0]
constexpr u64 k_s2ap_write = u64{1} << 7;   // S2AP[1]
constexpr u64 k_sh_inner = u64{3} << 8;
constexpr u64 k_af = u64{1} << 10;
constexpr u64 k_xn = u64{1} << 54;          // XN[1]; XN[0] (bit 53) only with FEAT_XNX
constexpr u64 k_addr_mask = 0x0000'ffff'ffff'f000ull;

// VTCR_EL2 fields (Arm ARM D17.2.176).
constexpr u64 k_vtcr_t0sz = 64 - k_ipa_bits;
constexpr u64 k_vtcr_sl0_level1 = u64{1} << 6;
constexpr u64 k_vtcr_irgn0_wb = u64{1} << 8;
constexpr u64 k_vtcr_orgn0_wb = u64{1} << 10;
constexpr u64 k_vtcr_sh0_inner = u64{3} << 12;
constexpr u64 k_vtcr_ps_shift = 16;
constexpr u64 k_vtcr_res1 = u64{1} << 31;

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
    u64 a = k_af;
    if (mem == Mem::Normal)
        a |= (k_memattr_normal_wb << k_memattr_shift) | k_sh_inner;
    else
        a |= k_memattr_device_ngnre << k_memattr_shift;
    if (perms.read)
        a |= k_s2ap_read;
    if (perms.write)
        a |= k_s2ap_write;
    // Device memory is never executable: speculative instruction fetches
    // must not reach device registers.
    if (!perms.exec || mem == Mem::Device)
        a |= k_xn;
    return a;
}

u64 vtcr(unsigned pa_range) {
    u64 ps = pa_range > 5 ? 5 : pa_range;
    return k_vtcr_res1 | k_vtcr_t0sz | k_vtcr_sl0_level1 | k_vtcr_irgn0_wb | k_vtcr_orgn0_wb | k_vtcr_sh0_inner |
           (ps << k_vtcr_ps_shift);
}

Result<void, Error> Table::map(u64 ipa, u64 pa, u64 size, Mem mem, Perms perms) {
    return convert(m_builder.map_attributes(ipa, pa, size, leaf_attributes(mem, perms)));
}

Result<void, Error> Table::unmap(u64 ipa, u64 size) { return convert(m_builder.unmap(ipa, size)); }

Result<Translation, Error> Table::translate(u64 ipa) const {
    auto leaf = m_builder.leaf(ipa);
    if (!leaf.ok())
        return tn::err(convert(leaf.error()));
    u64 d = leaf.value().descriptor;
    unsigned level = leaf.value().level;
    u64 block = u64{1} << (39 - 9 * level);
    Translation t{};
    t.pa = (d & k_addr_mask & ~(block - 1)) | (ipa & (block - 1));
    t.mem = ((d >> k_memattr_shift) & 0xf) == k_memattr_normal_wb ? Mem::Normal : Mem::Device;
    t.perms = {(d & k_s2ap_read) != 0, (d & k_s2ap_write) != 0, (d & k_xn) == 0};
    t.level = level;
    return t;
}

u64 Table::vttbr() const { return reinterpret_cast<u64>(m_builder.root()) | (u64{m_vmid} << 48); }

}  // namespace mortise::stage2
