#include <tn/arch/pgtable.hpp>

namespace tn::arch::pgtable {

namespace {

constexpr u64 k_valid = 1;
constexpr u64 k_table = 2;  // bit 1 set: table (L1/L2) or page (L3)
constexpr u64 k_addr_mask = 0x0000fffffffff000ull;
constexpr u64 k_attr_index_shift = 2;
constexpr u64 k_ap_read_only = u64{1} << 7;  // AP[2]: EL1 read-only
constexpr u64 k_sh_inner = u64{3} << 8;
constexpr u64 k_af = u64{1} << 10;
constexpr u64 k_pxn = u64{1} << 53;
constexpr u64 k_uxn = u64{1} << 54;
constexpr u64 k_leaf_attr_mask = ~k_addr_mask & ~u64{3};

constexpr unsigned shift_of(unsigned level) { return 39 - 9 * level; }  // L1 30, L2 21, L3 12
constexpr u64 block_size(unsigned level) { return u64{1} << shift_of(level); }
constexpr unsigned index_of(u64 va, unsigned level) { return (va >> shift_of(level)) & (k_entries - 1); }

}  // namespace

u64 leaf_attributes(MemType type, Perms perms) {
    u64 a = (static_cast<u64>(type) << k_attr_index_shift) | k_af | k_uxn;
    // Device memory is never shareable-cacheable; Normal memory is inner shareable.
    if (type != MemType::Device)
        a |= k_sh_inner;
    if (!perms.write)
        a |= k_ap_read_only;
    if (!perms.exec || type == MemType::Device)
        a |= k_pxn;
    return a;
}

Result<u64*, Error> Builder::next_table(u64* entry, unsigned level) {
    if ((*entry & 3) == (k_valid | k_table))
        return reinterpret_cast<u64*>(*entry & k_addr_mask);
    u64* table = m_alloc(m_ctx);
    if (!table)
        return err(Error::OutOfTables);
    if (*entry & k_valid) {
        // Split a block: the new table repeats it at the next level's granule.
        u64 attrs = *entry & k_leaf_attr_mask;
        u64 base = *entry & k_addr_mask;
        u64 type_bits = level + 1 == 3 ? (k_valid | k_table) : k_valid;
        u64 desc = base | attrs | type_bits;
        for (unsigned i = 0; i < k_entries; ++i, desc += block_size(level + 1))
            table[i] = desc;
    }
    *entry = reinterpret_cast<u64>(table) | k_valid | k_table;
    return table;
}

Result<void, Error> Builder::set_range(u64 va, u64 pa, u64 size, u64 attrs, bool valid) {
    while (size) {
        u64* table = m_root;
        for (unsigned level = 1; level <= 3; ++level) {
            u64 bsize = block_size(level);
            u64* entry = &table[index_of(va, level)];
            bool fits = (va & (bsize - 1)) == 0 && (pa & (bsize - 1)) == 0 && size >= bsize;
            // L1 blocks are allowed for 4 KiB granules; use them only when they fit.
            if (fits || level == 3) {
                // Fill this table's consecutive entries while blocks still fit, rather
                // than walk down from the root again for each (RAM is 2 MiB blocks):
                // each step keeps va and pa aligned, so only the size can run out, and
                // an index wrapping to 0 means the next table.
                u64 type_bits = level == 3 ? (k_valid | k_table) : k_valid;
                do {
                    *entry++ = valid ? ((pa & k_addr_mask) | attrs | type_bits) : 0;
                    va += bsize;
                    pa += bsize;
                    size -= bsize;
                } while (size >= bsize && index_of(va, level) != 0);
                break;
            }
            if (!valid && (*entry & k_valid) == 0) {
                // Nothing mapped below: skip to the end of this entry's span.
                u64 skip = bsize - (va & (bsize - 1));
                skip = skip < size ? skip : size;
                va += skip;
                pa += skip;
                size -= skip;
                break;
            }
            table = TN_TRY(next_table(entry, level));
        }
    }
    return {};
}

Result<void, Error> Builder::map(u64 va, u64 pa, u64 size, MemType type, Perms perms) {
    if ((va | pa | size) & (k_page - 1))
        return err(Error::Misaligned);
    if (va + size > (u64{1} << k_va_bits) || va + size < va)
        return err(Error::OutOfRange);
    return set_range(va, pa, size, leaf_attributes(type, perms), true);
}

Result<void, Error> Builder::map_attributes(u64 va, u64 pa, u64 size, u64 leaf_attrs) {
    if ((va | pa | size) & (k_page - 1))
        return err(Error::Misaligned);
    if (va + size > (u64{1} << k_va_bits) || va + size < va)
        return err(Error::OutOfRange);
    return set_range(va, pa, size, leaf_attrs & k_leaf_attr_mask, true);
}

Result<void, Error> Builder::unmap(u64 va, u64 size) {
    if ((va | size) & (k_page - 1))
        return err(Error::Misaligned);
    if (va + size > (u64{1} << k_va_bits) || va + size < va)
        return err(Error::OutOfRange);
    return set_range(va, 0, size, 0, false);
}

Result<Leaf, Error> Builder::leaf(u64 va) const {
    if (va >= (u64{1} << k_va_bits))
        return err(Error::OutOfRange);
    const u64* table = m_root;
    for (unsigned level = 1; level <= 3; ++level) {
        u64 e = table[index_of(va, level)];
        if (!(e & k_valid))
            return err(Error::OutOfRange);
        if (level < 3 && (e & k_table)) {
            table = reinterpret_cast<const u64*>(e & k_addr_mask);
            continue;
        }
        return Leaf{e, level};
    }
    return err(Error::OutOfRange);
}

Result<Translation, Error> Builder::translate(u64 va) const {
    if (va >= (u64{1} << k_va_bits))
        return err(Error::OutOfRange);
    const u64* table = m_root;
    for (unsigned level = 1; level <= 3; ++level) {
        u64 e = table[index_of(va, level)];
        if (!(e & k_valid))
            return err(Error::OutOfRange);
        bool leaf = level == 3 || !(e & k_table);
        if (!leaf) {
            table = reinterpret_cast<const u64*>(e & k_addr_mask);
            continue;
        }
        u64 off = va & (block_size(level) - 1);
        Translation t{};
        t.pa = (e & k_addr_mask & ~(block_size(level) - 1)) + off;
        t.type = static_cast<MemType>((e >> k_attr_index_shift) & 7);
        t.perms = {!(e & k_ap_read_only), !(e & k_pxn)};
        t.level = level;
        return t;
    }
    return err(Error::OutOfRange);
}

}  // namespace tn::arch::pgtable
