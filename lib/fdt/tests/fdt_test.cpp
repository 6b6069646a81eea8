// Header, reservation-block and structure-block validation of tn::fdt, and robustness
// against corrupted, truncated and hostile blobs (run under ASan and UBSan).
#include <gtest/gtest.h>

#include <tn/fdt.hpp>

#include "dtb_builder.hpp"
#include "fdt_exercise.hpp"
#include "virt_tree.hpp"

namespace tn::fdt::test {
namespace {

/// A small tree touching every token kind.
std::vector<u8> small_tree(DtbBuilder::Options o = DtbBuilder::Options()) {
    DtbBuilder b;
    b.reserve(0x80000000, 0x1000).reserve(0x90000000, 0x2000);
    b.nop().begin("").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1).nop();
    b.prop_str("compatible", "test,board");
    b.begin("uart@1000").prop_cells("reg", {0x1000, 0x100}).prop_strs("compatible", {"a,b", "c"});
    b.end().nop();
    b.begin("chosen").prop_str("bootargs", "console=ttyAMA0").end();
    b.end().nop();
    return b.build(o);
}

Result<Fdt, Error> open(const Buffer& buf) { return Fdt::try_open(buf.data(), buf.size()); }

Error open_error(const std::vector<u8>& blob) {
    Buffer buf(blob);
    auto r = open(buf);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error::NotFound : r.error();
}

TEST(FdtOpen, ValidTreeOpens) {
    auto blob = small_tree();
    Buffer buf(blob);
    auto fdt = open(buf);
    ASSERT_TRUE(fdt.ok()) << error_name(fdt.error());
    EXPECT_EQ(fdt.value().total_size(), blob.size());
    EXPECT_EQ(fdt.value().version(), 17u);
    EXPECT_EQ(fdt.value().boot_cpuid(), 0u);
    EXPECT_NE(exercise(fdt.value()), 0u);
}

TEST(FdtOpen, ExtraCallerBytesAreIgnored) {
    auto blob = small_tree();
    blob.resize(blob.size() + 100, 0xff);
    Buffer buf(blob);
    EXPECT_TRUE(open(buf).ok());
}

TEST(FdtOpen, ReservationsAreListed) {
    Buffer buf(small_tree());
    Fdt fdt = open(buf).value();
    std::vector<Region> rsv;
    for (Region r : fdt.reservations())
        rsv.push_back(r);
    ASSERT_EQ(rsv.size(), 2u);
    EXPECT_EQ(rsv[0], (Region{0x80000000, 0x1000}));
    EXPECT_EQ(rsv[1], (Region{0x90000000, 0x2000}));

    Buffer empty(DtbBuilder().begin("").end().build());
    usize n = 0;
    for (Region r : open(empty).value().reservations())
        n += r.size + 1;
    EXPECT_EQ(n, 0u);
}

TEST(FdtOpen, NullTinyAndMisalignedBlobs) {
    EXPECT_EQ(Fdt::try_open(nullptr, 100).error(), Error::Truncated);
    auto blob = small_tree();
    EXPECT_EQ(Fdt::try_open(blob.data(), 39).error(), Error::Truncated);
    std::vector<u64> storage(blob.size() / 8 + 2);
    u8* shifted = reinterpret_cast<u8*>(storage.data()) + 4;
    std::memcpy(shifted, blob.data(), blob.size());
    EXPECT_EQ(Fdt::try_open(shifted, blob.size()).error(), Error::BadAlignment);
}

TEST(FdtHeader, EachFieldCorrupted) {
    const auto good = small_tree();
    auto with = [&](usize field, u32 value) {
        auto b = good;
        put_be32(b, field, value);
        return b;
    };
    const u32 total = static_cast<u32>(good.size());
    const u32 off_struct = get_be32(good, k_h_off_struct);
    const u32 off_strings = get_be32(good, k_h_off_strings);
    const u32 size_struct = get_be32(good, k_h_size_struct);
    EXPECT_EQ(open_error(with(k_h_magic, 0xfeedd00d)), Error::BadMagic);
    EXPECT_EQ(open_error(with(k_h_totalsize, total + 1)), Error::Truncated);
    EXPECT_EQ(open_error(with(k_h_totalsize, 39)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_totalsize, total - 1)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_off_struct, off_struct + 2)), Error::BadAlignment);
    EXPECT_EQ(open_error(with(k_h_off_struct, (total + 3) & ~3u)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_off_struct, 0)), Error::BadLayout);  // Inside the header.
    EXPECT_EQ(open_error(with(k_h_off_strings, total)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_off_strings, off_strings + 1)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_off_rsvmap, 44)), Error::BadAlignment);
    EXPECT_EQ(open_error(with(k_h_off_rsvmap, 32)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_off_rsvmap, (total - 8) & ~7u)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_version, 15)), Error::BadVersion);
    EXPECT_EQ(open_error(with(k_h_last_comp, 18)), Error::BadVersion);
    EXPECT_EQ(open_error(with(k_h_size_strings, 0xffffffff)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_size_struct, 0xfffffffc)), Error::BadLayout);
    EXPECT_EQ(open_error(with(k_h_size_struct, size_struct - 4)), Error::Truncated);
    EXPECT_EQ(open_error(with(k_h_size_struct, 0)), Error::Truncated);

    // Fields that only describe the blob: any value is accepted.
    Buffer cpu(with(k_h_boot_cpuid, 0xdeadbeef));
    EXPECT_EQ(open(cpu).value().boot_cpuid(), 0xdeadbeefu);
    Buffer newer(with(k_h_version, 99));  // Newer but backward compatible (§5.2).
    EXPECT_TRUE(open(newer).ok());
    // Smaller strings block: names now end outside it.
    EXPECT_EQ(open_error(with(k_h_size_strings, 3)), Error::BadString);
}

TEST(FdtHeader, EveryWordGetsHostileValues) {
    const auto good = small_tree();
    const u32 values[] = {0, 1, 3, 4, 8, 40, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff,
                          static_cast<u32>(good.size()), static_cast<u32>(good.size() - 4)};
    for (usize field = 4; field < 40; field += 4) {
        for (u32 v : values) {
            auto b = good;
            put_be32(b, field, v);
            Buffer buf(b);
            auto fdt = open(buf);
            if (fdt.ok())
                exercise(fdt.value());
        }
    }
}

TEST(FdtHeader, Version16HasNoStructSize) {
    auto blob = small_tree({.version = 16});
    put_be32(blob, k_h_size_struct, 0xffffffff);  // Not a v16 field: ignored.
    Buffer buf(blob);
    auto fdt = open(buf);
    ASSERT_TRUE(fdt.ok()) << error_name(fdt.error());
    EXPECT_TRUE(fdt.value().find_path("/chosen").ok());
}

TEST(FdtHeader, ReservationMapWithoutTerminator) {
    auto blob = small_tree();
    // Overwrite the (0, 0) terminator after the two entries; no 16 zero bytes follow.
    for (usize i = 40 + 2 * 16; i < 40 + 3 * 16; ++i)
        blob[i] = 0xaa;
    EXPECT_EQ(open_error(blob), Error::Truncated);
}

TEST(FdtTruncation, EveryCallerSizeIsRejected) {
    const auto good = build_virt();
    for (usize n = 0; n < good.size(); ++n) {
        Buffer buf(good.data(), n);
        auto r = open(buf);
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error(), Error::Truncated) << n;
    }
}

TEST(FdtTruncation, EveryStructureBlockCutIsRejected) {
    // Strings first, so cutting the blob cuts the structure block at every offset.
    const auto good = small_tree({.strings_first = true});
    const u32 off_struct = get_be32(good, k_h_off_struct);
    for (usize n = off_struct; n < good.size(); ++n) {
        auto b = std::vector<u8>(good.begin(), good.begin() + n);
        put_be32(b, k_h_totalsize, static_cast<u32>(n));
        put_be32(b, k_h_size_struct, static_cast<u32>(n - off_struct));
        Buffer buf(b);
        auto r = open(buf);
        EXPECT_FALSE(r.ok()) << n;  // FDT_END is always cut off.
        if (r.ok())
            exercise(r.value());
    }
}

TEST(FdtTruncation, EveryByteFlipIsSafe) {
    const auto good = small_tree();
    for (u8 mask : {0x01, 0x80, 0xff}) {
        for (usize i = 0; i < good.size(); ++i) {
            auto b = good;
            b[i] ^= mask;
            Buffer buf(b);
            auto r = open(buf);
            if (r.ok())
                exercise(r.value());
        }
    }
}

TEST(FdtTruncation, EveryByteFlipOfVirtIsSafe) {
    const auto good = build_virt();
    for (usize i = 0; i < good.size(); i += 3) {
        auto b = good;
        b[i] ^= 0xff;
        Buffer buf(b);
        auto r = open(buf);
        if (r.ok())
            exercise(r.value());
    }
}

TEST(FdtStructure, UnterminatedNodeName) {
    DtbBuilder b;
    b.begin("").end().word(1).word(0x41414141);  // "AAAA" to the end of the block.
    EXPECT_EQ(open_error(b.build({.end_token = false})), Error::BadString);
}

TEST(FdtStructure, NodeNamePaddingCut) {
    DtbBuilder b;
    b.begin("").word(1).word(0x41414141).word(0);  // "AAAA", NUL, 3 pad bytes.
    auto blob = b.build({.end_token = false});
    // The block now ends right after the NUL: the padding is missing.
    put_be32(blob, k_h_size_struct, get_be32(blob, k_h_size_struct) - 3);
    EXPECT_EQ(open_error(blob), Error::Truncated);
}

TEST(FdtStructure, PropertyNameOffsetOutsideStrings) {
    DtbBuilder b;
    b.begin("").prop_u32("x", 1).end();
    auto blob = b.build();
    u32 off_struct = get_be32(blob, k_h_off_struct);
    // Root token (4) + name "" padded (4): FDT_PROP, len, nameoff.
    put_be32(blob, off_struct + 16, 0x1000);
    EXPECT_EQ(open_error(blob), Error::BadString);
}

TEST(FdtStructure, PropertyNameUnterminatedInStrings) {
    DtbBuilder b;
    b.begin("").prop_u32("abc", 1).end();
    auto blob = b.build();
    put_be32(blob, k_h_size_strings, 3);  // Drops the NUL of "abc".
    EXPECT_EQ(open_error(blob), Error::BadString);
}

TEST(FdtStructure, HugePropertyLengths) {
    for (u32 len : {0xffffffffu, 0xfffffffcu, 0x80000000u, 0x7ffffff0u, 0x1000u, 5u}) {
        DtbBuilder b;
        b.begin("").prop_u32("x", 1).word(3).word(len).word(0).end();  // nameoff 0: "x".
        auto blob = b.build();
        EXPECT_EQ(open_error(blob), Error::Truncated) << len;
    }
}

TEST(FdtStructure, TokensOutOfOrder) {
    auto expect_bad = [](DtbBuilder& b, const char* what) {
        EXPECT_EQ(open_error(b.build()), Error::BadStructure) << what;
    };
    DtbBuilder prop_first;
    prop_first.prop_u32("x", 1).begin("").end();
    expect_bad(prop_first, "property before the root");
    DtbBuilder prop_after_child;
    prop_after_child.begin("").begin("a").end().prop_u32("x", 1).end();
    expect_bad(prop_after_child, "property after a subnode");
    DtbBuilder stray_end;
    stray_end.end().begin("").end();
    expect_bad(stray_end, "END_NODE without BEGIN_NODE");
    DtbBuilder two_roots;
    two_roots.begin("").end().begin("").end();
    expect_bad(two_roots, "second root");
    DtbBuilder unclosed;
    unclosed.begin("").begin("a").end();
    expect_bad(unclosed, "FDT_END inside a node");
    DtbBuilder unknown;
    unknown.begin("").word(7).end();
    expect_bad(unknown, "unknown token");
    DtbBuilder empty;
    expect_bad(empty, "no root");
    DtbBuilder only_end;
    only_end.begin("").end().end();
    expect_bad(only_end, "END_NODE after the root");
}

TEST(FdtStructure, MissingEndToken) {
    DtbBuilder b;
    b.begin("").end();
    EXPECT_EQ(open_error(b.build({.end_token = false})), Error::Truncated);
}

TEST(FdtStructure, NopsEverywhere) {
    DtbBuilder b;
    b.nop().nop().begin("").nop().prop_u32("a", 1).nop().begin("c").nop().end().nop().end().nop();
    Buffer buf(b.build());
    auto fdt = open(buf);
    ASSERT_TRUE(fdt.ok());
    Node c = fdt.value().first_child(fdt.value().root()).value();
    EXPECT_STREQ(fdt.value().name(c), "c");
    EXPECT_EQ(fdt.value().prop_u32(fdt.value().root(), "a").value(), 1u);
}

TEST(FdtStructure, DepthLimit) {
    auto nested = [](u32 depth) {
        DtbBuilder b;
        for (u32 i = 0; i < depth; ++i)
            b.begin(i == 0 ? "" : "n");
        for (u32 i = 0; i < depth; ++i)
            b.end();
        return b.build();
    };
    Buffer ok(nested(k_max_depth));
    auto fdt = open(ok);
    ASSERT_TRUE(fdt.ok());
    Node deepest = fdt.value().root();
    for (Node n : fdt.value().nodes())
        deepest = n;
    EXPECT_TRUE(fdt.value().parent(deepest).ok());
    EXPECT_EQ(open_error(nested(k_max_depth + 1)), Error::TooDeep);
    EXPECT_EQ(open_error(nested(5000)), Error::TooDeep);
}

TEST(FdtStructure, ManySiblingsWalkInOrder) {
    DtbBuilder b;
    b.begin("");
    for (int i = 0; i < 500; ++i)
        b.begin("n@" + std::to_string(i)).end();
    b.end();
    Buffer buf(b.build());
    Fdt fdt = open(buf).value();
    int i = 0;
    for (Node n : fdt.children(fdt.root()))
        EXPECT_EQ(fdt.name(n), "n@" + std::to_string(i++));
    EXPECT_EQ(i, 500);
    EXPECT_STREQ(fdt.name(fdt.find_path("/n@499").value()), "n@499");
    EXPECT_STREQ(fdt.name(fdt.find_path("/n").value()), "n@0");  // First unit wins.
}

TEST(FdtError, NamesArePrintable) {
    EXPECT_STREQ(error_name(Error::BadMagic), "BadMagic");
    EXPECT_STREQ(error_name(Error::BadValue), "BadValue");
    EXPECT_STREQ(error_name(static_cast<Error>(200)), "Unknown");
}

}  // namespace
}  // namespace tn::fdt::test
