#include <tn/arch/pgtable.hpp>

namespace tn::arch::pgtable {

namespace {

using desc::Af;
using desc::ApRo;
using desc::AttrIndx;
using desc::OutputAddr;
using desc::Pxn;
using desc::Sh;
using desc::Uxn;
using desc::Valid;

constexpr u64 k_valid = Valid::mask;
constexpr u64 k_table = desc::Table::mask;
constexpr u64 k_addr_mask = OutputAddr::mask;
// The bits a caller's leaf attributes may use: neither the address nor the type bits.
constexpr u64 k_leaf_attr_mask = ~k_addr_mask & ~desc::k_table_or_page;

constexpr unsigned index_of(u64 va, unsigned level) { return (va >> shift_of(level)) & (k_entries - 1); }

}  // namespace

u64 leaf_attributes(MemType type, Perms perms) {
    u64 a = AttrIndx::bits(static_cast<u64>(type)) | Af::bits(1) | Uxn::bits(1);
    // Device memory is never shareable-cacheable; Normal memory is inner shareable.
    if (type != MemType::Device)
        a |= Sh::bits(desc::k_sh_inner);
    if (!perms.write)
        a |= ApRo::bits(1);
    if (!perms.exec || type == MemType::Device)
        a |= Pxn::bits(1);
    return a;
}

u64 user_leaf_attributes(Perms perms) {
    u64 a = leaf_attributes(MemType::Normal, {perms.write, false}) & ~Uxn::mask;
    a |= desc::Ap1::bits(1) | desc::Ng::bits(1) | Pxn::bits(1);
    if (!perms.exec)
        a |= Uxn::bits(1);
    return a;
}

Result<u64*, Error> Builder::next_table(u64* entry, unsigned level) {
    if ((*entry & desc::k_table_or_page) == desc::k_table_or_page)
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
        t.type = static_cast<MemType>(AttrIndx::get(e));
        t.perms = {!ApRo::get(e), !Pxn::get(e)};
        t.level = level;
        return t;
    }
    return err(Error::OutOfRange);
}

}  // namespace tn::arch::pgtable
