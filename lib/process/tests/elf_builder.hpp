// Builds small ELF-64 AArch64 files for the loader's unit test and fuzzer: a
// header, a program header table, a dynamic section and a RELA table, each
// field settable, so one test changes one thing of a valid file.
#pragma once

#include <cstring>
#include <vector>

#include <tn/types.hpp>

namespace tn::process::elf::test {

/// One program header.
struct Ph {
    u32 type;
    u32 flags;
    u64 offset;
    u64 vaddr;
    u64 filesz;
    u64 memsz;
    u64 align;
};

/// One Elf64_Rela.
struct Rel {
    u64 offset;
    u64 info;
    u64 addend;
};

constexpr u32 k_pt_load = 1, k_pt_dynamic = 2, k_pt_interp = 3, k_pt_note = 4, k_pt_gnu_relro = 0x6474e552;
constexpr u32 k_pf_x = 1, k_pf_w = 2, k_pf_r = 4;
constexpr u64 k_dt_null = 0, k_dt_needed = 1, k_dt_rela = 7, k_dt_relasz = 8, k_dt_relaent = 9, k_dt_rel = 17,
              k_dt_textrel = 22, k_dt_jmprel = 23, k_dt_flags = 30, k_dt_relr = 36;
constexpr u64 k_relative = 1027;

/// A file description; bytes() lays it out. The default is valid: text
/// [0, 0x1000) RX, data [0x1000, 0x4000) RW (0x1000 bytes from the file, the
/// rest zero), the dynamic section at the start of data, and three
/// relocations (two RELATIVE, one NONE) in the text at 0x800.
struct ElfBuilder {
    u8 ident_class = 2, ident_data = 1, ident_version = 1;
    u32 version = 1;
    u16 type = 3;
    u16 machine = 183;
    u64 entry = 0x100;
    u64 phoff = 64;
    u16 phentsize = 56;
    std::vector<Ph> ph = {
        {k_pt_load, k_pf_r | k_pf_x, 0, 0, 0x1000, 0x1000, 0x1000},
        {k_pt_load, k_pf_r | k_pf_w, 0x1000, 0x1000, 0x1000, 0x3000, 0x1000},
        {k_pt_dynamic, k_pf_r | k_pf_w, 0x1000, 0x1000, 0x80, 0x80, 8},
    };
    /// Overrides e_phnum when non-negative (default: ph.size()).
    int phnum = -1;
    u64 dyn_off = 0x1000;
    std::vector<std::pair<u64, u64>> dyn = {
        {k_dt_rela, 0x800}, {k_dt_relasz, 3 * 24}, {k_dt_relaent, 24}, {k_dt_null, 0}};
    u64 rela_off = 0x800;
    std::vector<Rel> rela = {
        {0x1100, k_relative, 0x100},
        {0x3ff8, k_relative, 0x4000},
        {0x1108, 0, 0},
    };
    usize size = 0x2000;

    static void put(std::vector<u8>& b, u64 off, u64 v, unsigned bytes) {
        for (unsigned i = 0; i < bytes && off + i < b.size(); i++)
            b[off + i] = static_cast<u8>(v >> (8 * i));
    }

    std::vector<u8> bytes() const {
        std::vector<u8> b(size < 64 ? 64 : size, 0);
        std::memcpy(b.data(), "\x7f" "ELF", 4);
        b[4] = ident_class;
        b[5] = ident_data;
        b[6] = ident_version;
        put(b, 16, type, 2);
        put(b, 18, machine, 2);
        put(b, 20, version, 4);
        put(b, 24, entry, 8);
        put(b, 32, phoff, 8);
        put(b, 52, 64, 2);
        put(b, 54, phentsize, 2);
        put(b, 56, phnum >= 0 ? static_cast<u64>(phnum) : ph.size(), 2);
        for (usize i = 0; i < ph.size(); i++) {
            const u64 o = phoff + i * 56;
            if (o > b.size())
                break;
            put(b, o, ph[i].type, 4);
            put(b, o + 4, ph[i].flags, 4);
            put(b, o + 8, ph[i].offset, 8);
            put(b, o + 16, ph[i].vaddr, 8);
            put(b, o + 24, ph[i].vaddr, 8);
            put(b, o + 32, ph[i].filesz, 8);
            put(b, o + 40, ph[i].memsz, 8);
            put(b, o + 48, ph[i].align, 8);
        }
        for (usize i = 0; i < dyn.size(); i++) {
            put(b, dyn_off + i * 16, dyn[i].first, 8);
            put(b, dyn_off + i * 16 + 8, dyn[i].second, 8);
        }
        for (usize i = 0; i < rela.size(); i++) {
            put(b, rela_off + i * 24, rela[i].offset, 8);
            put(b, rela_off + i * 24 + 8, rela[i].info, 8);
            put(b, rela_off + i * 24 + 16, rela[i].addend, 8);
        }
        b.resize(size);
        return b;
    }
};

}  // namespace tn::process::elf::test
