// libFuzzer target for boot modules (src/modules.cpp): the host device tree and the modules'
// first bytes come from the boot loader, so no input may crash read() or check_header() or
// make them read outside what they were given (ASan, UBSan), and every module read() calls
// usable must obey the rules it claims to check. The input is the tree and, at the same
// time, RAM from 0x40000000: a module's address points back into the input.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mortise/modules.hpp>
#include <tn/fdt.hpp>

namespace md = mortise::modules;
using tn::u64;
using tn::u8;

namespace {

constexpr u64 k_ram = 0x4000'0000, k_ram_size = 0x2000'0000;
constexpr u64 k_hyp = 0x5000'0000, k_hyp_size = 0x20'0000;

struct Input {
    const u8* data;
    u64 size;
};

// Exactly the bytes asked for, in a fresh allocation: ASan reports any read past them.
const u8* access(u64 address, u64 size, void* ctx) {
    static u8* last = nullptr;
    const Input& in = *static_cast<const Input*>(ctx);
    if (address < k_ram || address - k_ram > in.size || size > in.size - (address - k_ram))
        return nullptr;
    delete[] last;
    last = new u8[size ? size : 1];
    memcpy(last, in.data + (address - k_ram), size);
    return last;
}

void check_invariants(const md::Table& t) {
    if (t.count > md::k_max_modules)
        __builtin_trap();
    for (unsigned i = 0; i < t.count; ++i) {
        const md::Module& m = t.items[i];
        if (strnlen(m.node, sizeof m.node) == sizeof m.node || strnlen(m.name, sizeof m.name) == sizeof m.name)
            __builtin_trap();
        if ((m.problem == md::Problem::BadHeader) != (m.detail != nullptr))
            __builtin_trap();
        if (!m.ok())
            continue;
        if (m.kind == md::Kind::Unknown || m.size == 0 || m.address < k_ram ||
            m.address - k_ram > k_ram_size || m.size > k_ram_size - (m.address - k_ram))
            __builtin_trap();
        if (m.address < k_hyp + k_hyp_size && k_hyp < m.address + m.size)
            __builtin_trap();
        if ((m.kind == md::Kind::Partitions) != (m.name[0] == '\0'))
            __builtin_trap();
        for (unsigned j = 0; j < t.count; ++j) {
            const md::Module& o = t.items[j];
            if (j != i && o.ok() && m.address < o.address + o.size && o.address < m.address + m.size)
                __builtin_trap();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Every header check on the raw bytes, as many as it may read.
    for (unsigned k = 0; k <= static_cast<unsigned>(md::Kind::Unknown); ++k) {
        u64 want = k == static_cast<unsigned>(md::Kind::Linux) ? md::k_linux_header_bytes : md::k_header_bytes;
        u64 n = size < want ? size : want;
        u8* head = new u8[n ? n : 1];
        memcpy(head, data, n);
        (void)md::check_header(static_cast<md::Kind>(k), head, size);
        delete[] head;
    }
    // An exact-size aligned copy: the reader needs 8-byte alignment, ASan catches over-reads.
    uint64_t* copy = new uint64_t[size / 8 + 1];
    memcpy(copy, data, size);
    auto dt = tn::fdt::Fdt::try_open(copy, size);
    if (dt.ok()) {
        const md::Range ram[] = {{k_ram, k_ram_size}};
        const md::Range reserved[] = {{k_hyp, k_hyp_size}};
        const md::Machine machine{ram, 1, reserved, 1};
        Input in{data, size};
        static md::Table table;
        md::read(dt.value(), machine, access, &in, table);
        check_invariants(table);
    }
    delete[] copy;
    return 0;
}
