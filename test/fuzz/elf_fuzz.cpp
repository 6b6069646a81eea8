// libFuzzer target for lib/process's ELF loader: no input may make parse() or
// relocate() read outside the file (an exactly-sized heap copy, under ASan and
// UBSan), and whatever parse() accepts must hold every promise of its Image
// (segments inside the file and the window, ascending, W^X, entry in text,
// relocation table inside the file) and relocate cleanly: every write 8-byte
// aligned inside a writable segment, every value inside the image. Inputs
// whose first byte is odd are patches over a valid hand-built file, so the
// fuzzer reaches the dynamic section and the relocations without seeds.
// Registered by lib/process/tests/fuzz.mk.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include <tn/process/elf.hpp>

#include "elf_builder.hpp"

using namespace tn;
using namespace tn::process::elf;

namespace {

constexpr u64 k_window = u64{1} << 30;
constexpr u64 k_base = 0x6000400000;

void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

bool in_range(u64 off, u64 len, u64 size) { return off <= size && len <= size - off; }

struct Checker {
    const Image* img;
    unsigned writes;
    static bool write(void* ctx, u64 vaddr, u64 value) {
        auto* self = static_cast<Checker*>(ctx);
        const Image& img = *self->img;
        bool inside = false;
        for (unsigned i = 0; i < img.count; i++) {
            const Segment& s = img.seg[i];
            inside |= s.write && vaddr >= s.vaddr && vaddr - s.vaddr + 8 <= s.memsz;
        }
        check(inside && vaddr % 8 == 0);
        check(value >= k_base && value - k_base <= img.span);
        self->writes++;
        return true;
    }
};

void exercise(const u8* file, usize size) {
    auto r = parse(file, size, k_window);
    if (!r.ok()) {
        check(error_name(r.error()) != nullptr);
        return;
    }
    const Image& img = r.value();
    check(img.count >= 1 && img.count <= k_max_segments);
    check(img.span <= k_window && img.span % k_page == 0);
    bool entry_ok = false;
    for (unsigned i = 0; i < img.count; i++) {
        const Segment& s = img.seg[i];
        check(s.memsz > 0 && s.filesz <= s.memsz && in_range(s.offset, s.filesz, size));
        check(in_range(s.vaddr, s.memsz, img.span) && !(s.write && s.exec));
        check(s.vaddr % k_page == s.offset % k_page);
        if (i > 0)
            check(align_down(s.vaddr, k_page) >= align_up(img.seg[i - 1].vaddr + img.seg[i - 1].memsz, k_page));
        entry_ok |= s.exec && img.entry >= s.vaddr && img.entry - s.vaddr < s.filesz;
    }
    check(entry_ok);
    check(img.rela_count <= size / 24 && in_range(img.rela_offset, img.rela_count * 24, size));
    check(in_range(img.relro_vaddr, img.relro_memsz, img.span));
    Checker c{&img, 0};
    check(relocate(file, img, k_base, Writer{&Checker::write, &c}).ok());
    check(c.writes <= img.rela_count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || (data[0] & 1) == 0) {
        // As given: libFuzzer passes an exact-size heap copy.
        exercise(data, size);
        return 0;
    }
    // Patch mode: byte 1-2 a new size (0: keep), then (u16 offset, u64 value) patches.
    static const std::vector<u8> valid = tn::process::elf::test::ElfBuilder().bytes();
    std::vector<u8> b(valid);
    size_t i = 3;
    for (; i + 10 <= size; i += 10) {
        const usize off = (data[i] | usize{data[i + 1]} << 8) % b.size();
        for (usize k = 0; k < 8 && off + k < b.size(); k++)
            b[off + k] = data[i + 2 + k];
    }
    if (size >= 3) {
        const usize n = data[1] | usize{data[2]} << 8;
        if (n != 0 && n < b.size())
            b.resize(n);
    }
    std::vector<u8> exact(b);  // Exactly sized after a resize, so ASan sees over-reads.
    exact.shrink_to_fit();
    exercise(exact.data(), exact.size());
    return 0;
}
