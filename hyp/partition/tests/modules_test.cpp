// Host tests of the boot-module table (src/modules.cpp): every refusal with a tree that
// triggers it, next to a good module that must stay usable. Trees come from lib/fdt's test
// builder; module bytes from buffers mapped at fake physical addresses.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <mortise/kernel_image.hpp>
#include <mortise/modules.hpp>

#include "dtb_builder.hpp"

namespace mortise::modules {
namespace {

using tn::fdt::test::Buffer;
using tn::fdt::test::DtbBuilder;
using Bytes = std::vector<u8>;
using tn::u32;

constexpr u64 k_ram = 0x4000'0000, k_ram_size = 0x2000'0000;  // 512 MiB at 1 GiB
constexpr u64 k_hyp = 0x4020'0000, k_hyp_size = 0x20'0000;    // Mortise's image
constexpr u64 k_dtb = 0x4000'0000, k_dtb_size = 0x10'0000;    // the host tree

struct Mod {
    std::string node, kind, name;  // name "" = no tenonos,name property
    u64 address, size;
    std::string compat2 = "tenonos,mortise-module";
};

Bytes tenon_header() {
    Bytes b(64, 0);
    b[0x08] = 0;          // text_offset 0
    b[0x10] = 0x00;       // image_size 0x100000
    b[0x12] = 0x10;
    std::memcpy(&b[0x38], "ARM\x64", 4);
    return b;
}

Bytes fdt_header(u32 total) {
    Bytes b(64, 0);
    tn::fdt::test::put_be32(b, 0, 0xd00dfeed);
    tn::fdt::test::put_be32(b, 4, total);
    return b;
}

struct Env {
    std::map<u64, Bytes> mem;  // fake physical memory: address -> first bytes
    static const u8* access(u64 address, u64 size, void* ctx) {
        auto& mem = static_cast<Env*>(ctx)->mem;
        auto it = mem.find(address);
        return it != mem.end() && it->second.size() >= size ? it->second.data() : nullptr;
    }
};

Bytes tree(const std::vector<Mod>& mods, u32 acells = 2, u32 scells = 2, bool chosen = true) {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    if (chosen) {
        b.begin("chosen").prop_u32("#address-cells", acells).prop_u32("#size-cells", scells);
        b.prop_str("bootargs", "");
        for (const Mod& m : mods) {
            b.begin(m.node);
            if (m.kind == "-")
                b.prop_str("compatible", m.compat2);
            else
                b.prop_strs("compatible", {m.kind, m.compat2});
            if (!m.name.empty())
                b.prop_str("tenonos,name", m.name);
            std::vector<u32> cells;
            for (u32 i = acells; i-- > 0;)
                cells.push_back(static_cast<u32>(i >= 2 ? 0 : m.address >> (32 * i)));
            for (u32 i = scells; i-- > 0;)
                cells.push_back(static_cast<u32>(i >= 2 ? 0 : m.size >> (32 * i)));
            Bytes v(cells.size() * 4);
            for (size_t i = 0; i < cells.size(); ++i)
                tn::fdt::test::put_be32(v, 4 * i, cells[i]);
            if (m.size != ~u64{0})
                b.prop("reg", v);
            b.end();
        }
        b.end();
    }
    b.end();
    return b.build();
}

struct Outcome {
    Table table;
    bool ok = false;
};

Outcome run(const std::vector<Mod>& mods, Env* env = nullptr, u32 acells = 2, u32 scells = 2, bool chosen = true) {
    Bytes blob = tree(mods, acells, scells, chosen);
    Buffer buf(blob);
    auto dt = tn::fdt::Fdt::try_open(buf.data(), buf.size());
    EXPECT_TRUE(dt.ok());
    Range ram[] = {{k_ram, k_ram_size}, {0x1'0000'0000, 0x1000'0000}};
    Range reserved[] = {{k_hyp, k_hyp_size}, {k_dtb, k_dtb_size}};
    Machine m{ram, 2, reserved, 2};
    Outcome r;
    r.ok = read(dt.value(), m, env ? &Env::access : nullptr, env, r.table);
    return r;
}

const Mod k_parts{"module@48000000", "tenonos,mortise-partitions", "", 0x4800'0000, 0x1000};
const Mod k_alpha{"module@49000000", "tenonos,mortise-tenon", "alpha", 0x4900'0000, 0x10'0000};

Env good_env() {
    Env e;
    e.mem[0x4800'0000] = fdt_header(0x1000);
    e.mem[0x4900'0000] = tenon_header();
    return e;
}

TEST(BootModules, ReadsGoodModules) {
    Env env = good_env();
    Outcome r = run({k_parts, k_alpha}, &env);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.table.error, nullptr);
    ASSERT_EQ(r.table.count, 2u);
    EXPECT_EQ(r.table.usable(), 2u);
    const Module* p = r.table.find(Kind::Partitions, "");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->address, 0x4800'0000u);
    EXPECT_EQ(p->size, 0x1000u);
    const Module* a = r.table.find(Kind::Tenon, "alpha");
    ASSERT_NE(a, nullptr);
    EXPECT_STREQ(a->node, "module@49000000");
    EXPECT_EQ(a->size, 0x10'0000u);
    EXPECT_EQ(r.table.find(Kind::Linux, "alpha"), nullptr);
}

TEST(BootModules, OneCellAddressesAndSizesAndSecondBank) {
    Outcome r = run({{"m", "tenonos,mortise-tenon", "a", 0x5000'0000, 0x2000}}, nullptr, 1, 1);
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.table.count, 1u);
    EXPECT_TRUE(r.table.items[0].ok()) << explain(r.table.items[0].problem);
    Outcome hi = run({{"m", "tenonos,mortise-linux", "l", 0x1'0800'0000, 0x2000}});
    EXPECT_TRUE(hi.table.items[0].ok()) << explain(hi.table.items[0].problem);
}

TEST(BootModules, IgnoresOtherChosenChildren) {
    Outcome r = run({{"framebuffer", "-", "", 0x4800'0000, 0x1000, "simple-framebuffer"}, k_alpha});
    ASSERT_EQ(r.table.count, 1u);
    EXPECT_STREQ(r.table.items[0].name, "alpha");
}

TEST(BootModules, NoChosenIsAnError) {
    Outcome r = run({}, nullptr, 2, 2, false);
    EXPECT_FALSE(r.ok);
    ASSERT_NE(r.table.error, nullptr);
    EXPECT_NE(std::string(r.table.error).find("/chosen"), std::string::npos);
    EXPECT_EQ(r.table.count, 0u);
}

TEST(BootModules, EmptyChosenHasNoModules) {
    Outcome r = run({});
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.table.count, 0u);
    EXPECT_EQ(r.table.find(Kind::Partitions, ""), nullptr);
}

Problem problem_of(const Outcome& r, const char* node) {
    for (unsigned i = 0; i < r.table.count; ++i)
        if (std::string(r.table.items[i].node) == node)
            return r.table.items[i].problem;
    ADD_FAILURE() << "no module " << node;
    return Problem::None;
}

TEST(BootModules, ZeroSizeMissingRegAndWrap) {
    Outcome r = run({k_alpha, {"zero", "tenonos,mortise-tenon", "b", 0x4a00'0000, 0},
                 {"noreg", "tenonos,mortise-tenon", "c", 0, ~u64{0}},
                 {"wrap", "tenonos,mortise-tenon", "d", 0xffff'ffff'ffff'f000, 0x2000}});
    EXPECT_EQ(problem_of(r, "zero"), Problem::ZeroSize);
    EXPECT_EQ(problem_of(r, "noreg"), Problem::NoReg);
    EXPECT_EQ(problem_of(r, "wrap"), Problem::Wraps);
    EXPECT_EQ(problem_of(r, "module@49000000"), Problem::None);
}

TEST(BootModules, OutsideRam) {
    Outcome r = run({k_alpha,
                 {"below", "tenonos,mortise-tenon", "b", 0x3000'0000, 0x1000},
                 {"across_end", "tenonos,mortise-tenon", "c", 0x5fff'f000, 0x2000},
                 {"gap", "tenonos,mortise-tenon", "d", 0x8000'0000, 0x1000},
                 {"last_page", "tenonos,mortise-tenon", "e", 0x1'0fff'f000, 0x1000}});
    EXPECT_EQ(problem_of(r, "below"), Problem::OutsideRam);
    EXPECT_EQ(problem_of(r, "across_end"), Problem::OutsideRam);
    EXPECT_EQ(problem_of(r, "gap"), Problem::OutsideRam);
    EXPECT_EQ(problem_of(r, "last_page"), Problem::None);
    EXPECT_EQ(problem_of(r, "module@49000000"), Problem::None);
}

TEST(BootModules, OverlapsMortiseOrTheHostTree) {
    Outcome r = run({k_alpha, {"on_hyp", "tenonos,mortise-tenon", "b", k_hyp - 0x1000, 0x2000},
                 {"on_dtb", "tenonos,mortise-tenon", "c", k_dtb + 0x800, 0x10},
                 {"after_hyp", "tenonos,mortise-tenon", "d", k_hyp + k_hyp_size, 0x1000}});
    EXPECT_EQ(problem_of(r, "on_hyp"), Problem::OverlapsHyp);
    EXPECT_EQ(problem_of(r, "on_dtb"), Problem::OverlapsHyp);
    EXPECT_EQ(problem_of(r, "after_hyp"), Problem::None);
}

TEST(BootModules, OverlappingModulesAreBothRefused) {
    Outcome r = run({k_parts, {"x", "tenonos,mortise-tenon", "x", 0x4a00'0000, 0x2000},
                 {"y", "tenonos,mortise-linux", "y", 0x4a00'1000, 0x2000},
                 {"touching", "tenonos,mortise-tenon", "t", 0x4a00'3000, 0x1000}});
    EXPECT_EQ(problem_of(r, "x"), Problem::Overlaps);
    EXPECT_EQ(problem_of(r, "y"), Problem::Overlaps);
    EXPECT_EQ(problem_of(r, "touching"), Problem::None);
    EXPECT_EQ(problem_of(r, "module@48000000"), Problem::None);
}

TEST(BootModules, BadKindsAndNames) {
    Outcome r = run({k_alpha, {"unknown", "tenonos,mortise-firmware", "a", 0x4a00'0000, 0x1000},
                 {"foreign", "multiboot,kernel", "b", 0x4a10'0000, 0x1000},
                 {"noname", "tenonos,mortise-tenon", "", 0x4a20'0000, 0x1000},
                 {"spaces", "tenonos,mortise-tenon", "my guest", 0x4a30'0000, 0x1000},
                 {"long", "tenonos,mortise-tenon", std::string(32, 'a'), 0x4a40'0000, 0x1000},
                 {"longest", "tenonos,mortise-tenon", std::string(31, 'a'), 0x4a50'0000, 0x1000},
                 {"named_parts", "tenonos,mortise-partitions", "p", 0x4a60'0000, 0x1000},
                 {"only_generic", "-", "z", 0x4a70'0000, 0x1000}});
    EXPECT_EQ(problem_of(r, "unknown"), Problem::BadKind);
    EXPECT_EQ(problem_of(r, "foreign"), Problem::BadKind);
    EXPECT_EQ(problem_of(r, "noname"), Problem::BadName);
    EXPECT_EQ(problem_of(r, "spaces"), Problem::BadName);
    EXPECT_EQ(problem_of(r, "long"), Problem::BadName);
    EXPECT_EQ(problem_of(r, "longest"), Problem::None);
    EXPECT_EQ(problem_of(r, "named_parts"), Problem::BadName);
    EXPECT_EQ(problem_of(r, "only_generic"), Problem::BadKind);
    EXPECT_EQ(problem_of(r, "module@49000000"), Problem::None);
}

TEST(BootModules, DuplicatesAreBothRefusedButKindsDiffer) {
    Outcome r = run({{"a1", "tenonos,mortise-tenon", "a", 0x4a00'0000, 0x1000},
                 {"a2", "tenonos,mortise-tenon", "a", 0x4a10'0000, 0x1000},
                 {"lx", "tenonos,mortise-linux", "lx", 0x4a20'0000, 0x1000},
                 {"lx_initrd", "tenonos,mortise-initramfs", "lx", 0x4a30'0000, 0x1000}});
    EXPECT_EQ(problem_of(r, "a1"), Problem::Duplicate);
    EXPECT_EQ(problem_of(r, "a2"), Problem::Duplicate);
    EXPECT_EQ(problem_of(r, "lx"), Problem::None);
    EXPECT_EQ(problem_of(r, "lx_initrd"), Problem::None);
    EXPECT_EQ(r.table.find(Kind::Tenon, "a"), nullptr);
    ASSERT_NE(r.table.find_any(Kind::Tenon, "a"), nullptr);
}

TEST(BootModules, BadCellsAreReported) {
    Outcome r = run({k_alpha}, nullptr, 3, 2);
    EXPECT_TRUE(r.ok);
    ASSERT_NE(r.table.error, nullptr);
    EXPECT_EQ(problem_of(r, "module@49000000"), Problem::NoReg);
}

TEST(BootModules, TooManyModules) {
    std::vector<Mod> mods;
    for (unsigned i = 0; i < k_max_modules + 2; ++i)
        mods.push_back({"m" + std::to_string(i), "tenonos,mortise-tenon", "g" + std::to_string(i),
                        0x4800'0000 + u64{i} * 0x10'0000, 0x1000});
    Outcome r = run(mods);
    EXPECT_EQ(r.table.count, k_max_modules);
    EXPECT_EQ(r.table.skipped, 2u);
    EXPECT_NE(r.table.error, nullptr);
    EXPECT_EQ(r.table.usable(), k_max_modules);
}

TEST(BootModules, HeadersAreChecked) {
    Env env = good_env();
    Bytes bad_kernel = tenon_header();
    bad_kernel.resize(4096);  // a Linux Image's first page is read (its PE/COFF header)
    bad_kernel[0x38] = 'X';
    env.mem[0x4a00'0000] = bad_kernel;
    env.mem[0x4a10'0000] = fdt_header(0x2000);  // totalsize beyond the module: cut short
    Bytes gz(64, 0);
    gz[0] = 0x1f, gz[1] = 0x8b;
    env.mem[0x4a20'0000] = gz;
    Bytes cpio(64, 0);
    std::memcpy(cpio.data(), "070701", 6);
    env.mem[0x4a30'0000] = cpio;
    env.mem[0x4a40'0000] = Bytes(64, 0);  // zeros: not an initramfs
    env.mem[0x4a50'0000] = fdt_header(0x1000);
    Outcome r = run({k_parts, k_alpha, {"badk", "tenonos,mortise-linux", "l", 0x4a00'0000, 0x10'0000},
                 {"short_ovl", "tenonos,mortise-dt-overlay", "l", 0x4a10'0000, 0x1000},
                 {"gz", "tenonos,mortise-initramfs", "l", 0x4a20'0000, 0x1000},
                 {"cpio", "tenonos,mortise-initramfs", "m", 0x4a30'0000, 0x1000},
                 {"zeros", "tenonos,mortise-initramfs", "n", 0x4a40'0000, 0x1000},
                 {"ovl", "tenonos,mortise-dt-overlay", "m", 0x4a50'0000, 0x1000},
                 {"unmapped", "tenonos,mortise-tenon", "u", 0x4a60'0000, 0x1000}},
                &env);
    EXPECT_EQ(problem_of(r, "module@48000000"), Problem::None);
    EXPECT_EQ(problem_of(r, "module@49000000"), Problem::None);
    EXPECT_EQ(problem_of(r, "badk"), Problem::BadHeader);
    EXPECT_EQ(problem_of(r, "short_ovl"), Problem::BadHeader);
    EXPECT_EQ(problem_of(r, "gz"), Problem::None);
    EXPECT_EQ(problem_of(r, "cpio"), Problem::None);
    EXPECT_EQ(problem_of(r, "zeros"), Problem::BadHeader);
    EXPECT_EQ(problem_of(r, "ovl"), Problem::None);
    EXPECT_EQ(problem_of(r, "unmapped"), Problem::Unreadable);
    const Module* k = r.table.find_any(Kind::Linux, "l");
    ASSERT_NE(k, nullptr);
    ASSERT_NE(k->detail, nullptr);
    EXPECT_STRNE(k->detail, "");
}

// What uboot-mortise-bad-modules puts on its disk: a Tenon image whose magic was overwritten,
// and one cut to half the file size its header gives. Both are refused with the header
// check's reason; the whole image beside them is used.
TEST(BootModules, DamagedAndCutShortTenonImagesAreRefused) {
    Env env = good_env();
    Bytes whole = tenon_header();
    whole[0x20] = 0xc0, whole[0x21] = 0xd5;  // res2: a 0xd5c0-byte file
    env.mem[0x4a00'0000] = whole;
    Bytes damaged = whole;
    std::memcpy(&damaged[0x38], "XXXX", 4);
    env.mem[0x4a10'0000] = damaged;
    env.mem[0x4a20'0000] = whole;
    Outcome r = run({k_parts, {"whole", "tenonos,mortise-tenon", "alpha", 0x4a00'0000, 0xd5c0},
                     {"damaged", "tenonos,mortise-tenon", "beta", 0x4a10'0000, 0xd5c0},
                     {"short", "tenonos,mortise-tenon", "gamma", 0x4a20'0000, 0xd5c0 / 2}},
                    &env);
    EXPECT_EQ(problem_of(r, "whole"), Problem::None);
    EXPECT_EQ(problem_of(r, "damaged"), Problem::BadHeader);
    EXPECT_EQ(problem_of(r, "short"), Problem::BadHeader);
    EXPECT_STREQ(r.table.find_any(Kind::Tenon, "beta")->detail,
                 kernel_image::explain(kernel_image::Error::NoMagic));
    EXPECT_STREQ(r.table.find_any(Kind::Tenon, "gamma")->detail,
                 kernel_image::explain(kernel_image::Error::Truncated));
    EXPECT_EQ(r.table.usable(), 2u);
}

// An EFI-stub Linux Image whose PE/COFF sections end at 0x20000: a module with fewer bytes
// was cut short; one with exactly those bytes, or an Image without PE/COFF header, is whole.
TEST(BootModules, CutShortLinuxImageIsRefused) {
    Env env = good_env();
    Bytes image = tenon_header();
    image.resize(4096);
    image[0x3c] = 0x40;
    std::memcpy(&image[0x40], "PE\0\0", 4);
    image[0x40 + 6] = 1;      // one section
    image[0x40 + 20] = 0xa0;  // after a 0xa0-byte optional header
    const unsigned section = 0x40 + 24 + 0xa0;
    image[section + 16 + 2] = 0x01;  // SizeOfRawData 0x10000
    image[section + 20 + 2] = 0x01;  // PointerToRawData 0x10000
    env.mem[0x4a00'0000] = image;
    env.mem[0x4a10'0000] = image;
    Bytes plain = tenon_header();
    plain.resize(4096);
    env.mem[0x4a20'0000] = plain;
    Outcome r = run({k_parts, {"whole", "tenonos,mortise-linux", "a", 0x4a00'0000, 0x2'0000},
                     {"short", "tenonos,mortise-linux", "b", 0x4a10'0000, 0x1'ffff},
                     {"plain", "tenonos,mortise-linux", "c", 0x4a20'0000, 0x1000}},
                    &env);
    EXPECT_EQ(problem_of(r, "whole"), Problem::None);
    EXPECT_EQ(problem_of(r, "short"), Problem::BadHeader);
    EXPECT_STREQ(r.table.find_any(Kind::Linux, "b")->detail, kernel_image::explain(kernel_image::Error::Truncated));
    EXPECT_EQ(problem_of(r, "plain"), Problem::None);
}

TEST(BootModules, CheckHeaderShortInputs) {
    u8 two[2] = {0x1f, 0x8b};
    EXPECT_EQ(check_header(Kind::Initramfs, two, 2), nullptr);
    EXPECT_NE(check_header(Kind::Initramfs, two, 1), nullptr);
    EXPECT_NE(check_header(Kind::Partitions, two, 2), nullptr);
    EXPECT_NE(check_header(Kind::Tenon, two, 2), nullptr);
    EXPECT_NE(check_header(Kind::Unknown, two, 2), nullptr);
}

TEST(BootModules, EveryProblemIsExplained) {
    for (unsigned p = 0; p <= static_cast<unsigned>(Problem::Unreadable); ++p)
        EXPECT_STRNE(explain(static_cast<Problem>(p)), "?");
    EXPECT_STREQ(kind_name(Kind::DtOverlay), "dt-overlay");
    EXPECT_STREQ(kind_name(Kind::Unknown), "unknown");
}

}  // namespace
}  // namespace mortise::modules
