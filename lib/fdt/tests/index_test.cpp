// The optional node index of tn::fdt: every query must answer the same with and without
// it (index_differences() in fdt_exercise.hpp compares the two), on QEMU virt trees, on
// trees built to hit the index's corner cases, and on corrupted blobs that still open.
#include <gtest/gtest.h>

#include <tn/fdt.hpp>

#include "dtb_builder.hpp"
#include "fdt_exercise.hpp"
#include "virt_tree.hpp"

namespace tn::fdt::test {
namespace {

/// The blob opened twice, without and with an index of @p Capacity nodes.
template <usize Capacity = 256>
struct Both {
    explicit Both(const std::vector<u8>& blob) : buf(blob) {
        auto p = Fdt::try_open(buf.data(), buf.size());
        auto i = Fdt::try_open(buf.data(), buf.size(), index);
        EXPECT_EQ(p.ok(), i.ok());
        if (p.ok() && i.ok()) {
            plain = p.value();
            indexed = i.value();
        } else if (!p.ok() && !i.ok()) {
            EXPECT_EQ(p.error(), i.error());
        }
    }
    bool opened() const { return plain.has_value() && indexed.has_value(); }
    usize differences() const { return opened() ? index_differences(*plain, *indexed) : 0; }

    Buffer buf;
    NodeIndex<Capacity> index;
    std::optional<Fdt> plain, indexed;
};

TEST(FdtIndex, VirtTreesAnswerTheSame) {
    for (int gic : {2, 3}) {
        for (bool virt : {false, true}) {
            VirtOptions o;
            o.gic_version = gic;
            o.virtualization = virt;
            o.with_aliases = true;
            Both both(build_virt(o));
            ASSERT_TRUE(both.opened());
            EXPECT_FALSE(both.plain->indexed());
            EXPECT_TRUE(both.indexed->indexed());
            EXPECT_EQ(both.differences(), 0u) << "gic " << gic << " virt " << virt;
            EXPECT_EQ(both.indexed->find_gic().value().node, both.plain->find_gic().value().node);
            EXPECT_EQ(both.indexed->timer_intid(TimerIrq::Virtual).value(),
                      both.plain->timer_intid(TimerIrq::Virtual).value());
        }
    }
}

TEST(FdtIndex, TreeLargerThanTheIndexOpensWithout) {
    Both<4> both(build_virt());
    ASSERT_TRUE(both.opened());
    EXPECT_FALSE(both.indexed->indexed());
    EXPECT_EQ(both.differences(), 0u);
}

TEST(FdtIndex, IndexExactlyAsLargeAsTheTree) {
    DtbBuilder b;
    b.begin("").begin("a").begin("b").end().end().begin("c").end().end();
    Both<4> both(b.build());
    ASSERT_TRUE(both.opened());
    EXPECT_TRUE(both.indexed->indexed());
    EXPECT_EQ(both.differences(), 0u);
    Both<3> small(b.build());
    EXPECT_FALSE(small.indexed->indexed());
}

/// Nesting, nodes without properties, duplicate and malformed `compatible` and
/// `device_type` values, and both phandle spellings.
std::vector<u8> corner_tree() {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1);
    b.prop_strs("compatible", {"a,b", "c"});
    b.begin("empty").end();
    b.begin("twice").prop_str("compatible", "x,first").prop_str("compatible", "a,b").end();
    b.begin("unterminated").prop("compatible", {'a', ',', 'b'}).prop("device_type", {'c', 'p', 'u'}).end();
    b.begin("no-compatible-first").prop_str("device_type", "cpu").prop_strs("compatible", {"", "c"});
    b.begin("deep").begin("deeper").prop_u32("phandle", 7).prop_u32("linux,phandle", 7);
    b.prop_str("device_type", "memory").prop_str("device_type", "cpu").end().end();
    b.end();
    b.begin("legacy").prop_u32("linux,phandle", 3).prop_strs("compatible", {"c", "a,b"}).end();
    b.begin("short-phandle").prop("phandle", {0, 1}).end();
    b.begin("zero-then-real").prop_u32("phandle", 0).prop_u32("linux,phandle", 2).end();
    b.end();
    return b.build();
}

TEST(FdtIndex, CornerCasesAnswerTheSame) {
    Both both(corner_tree());
    ASSERT_TRUE(both.opened());
    EXPECT_TRUE(both.indexed->indexed());
    EXPECT_EQ(both.differences(), 0u);
    const Fdt& f = *both.indexed;
    // Only a node's first `compatible` counts, as for compatible_with().
    EXPECT_EQ(f.name(f.find_compatible("x,first").value()), std::string("twice"));
    EXPECT_EQ(f.name(f.find_compatible("c").value()), std::string(""));
    EXPECT_EQ(f.name(f.find_compatible("").value()), std::string("no-compatible-first"));
    EXPECT_EQ(f.name(f.find_phandle(7).value()), std::string("deeper"));
    EXPECT_EQ(f.name(f.find_phandle(3).value()), std::string("legacy"));
    EXPECT_EQ(f.name(f.find_phandle(2).value()), std::string("zero-then-real"));
    EXPECT_EQ(f.find_phandle(1).error(), Error::NotFound);
}

TEST(FdtIndex, ConflictingPhandlesAnswerTheSame) {
    DtbBuilder b;
    b.begin("").begin("a").prop_u32("phandle", 5).prop_u32("linux,phandle", 6).end();
    b.begin("b").prop_u32("phandle", 6).end().end();
    Both both(b.build());
    ASSERT_TRUE(both.opened());
    EXPECT_EQ(both.differences(), 0u);
    EXPECT_EQ(both.indexed->name(both.indexed->find_phandle(6).value()), std::string("a"));
}

TEST(FdtIndex, UnsharedPropertyNamesAreStillRecognised) {
    // "compatible" twice in the strings block: at 0 on its own, and at 12 as the tail of
    // "xcompatible" (at 11). The index must not rely on names being shared.
    DtbBuilder b;
    b.begin("").begin("first").prop_str("compatible", "a,b").end();
    b.begin("second").prop_str("xcompatible", "c").word(3).word(4).word(12).word(0x632c6400);  // "c,d"
    b.end().end();
    Both both(b.build());
    ASSERT_TRUE(both.opened());
    EXPECT_EQ(both.differences(), 0u);
    auto second = both.indexed->find_compatible("c,d");
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(both.indexed->name(second.value()), std::string("second"));
}

TEST(FdtIndex, ForeignAndInvalidNodesFallBack) {
    Both both(build_virt());
    ASSERT_TRUE(both.opened());
    DtbBuilder b;
    b.begin("").begin("x").end().begin("y").end().end();
    Both other(b.build());
    ASSERT_TRUE(other.opened());
    // Nodes of another blob and the invalid Node get the rescans' answers.
    for (Node n : {Node(), other.plain->find_path("/y").value()}) {
        EXPECT_EQ(answer(both.plain->parent(n)), answer(both.indexed->parent(n)));
        EXPECT_EQ(answer(both.plain->next_sibling(n)), answer(both.indexed->next_sibling(n)));
        EXPECT_EQ(answer(both.plain->first_child(n)), answer(both.indexed->first_child(n)));
        EXPECT_EQ(answer(both.plain->next_node(n)), answer(both.indexed->next_node(n)));
    }
}

TEST(FdtIndex, EveryByteFlipOfVirtAnswersTheSame) {
    const auto good = build_virt();
    for (usize i = 0; i < good.size(); i += 3) {
        auto blob = good;
        blob[i] ^= 0xff;
        Both both(blob);
        EXPECT_EQ(both.differences(), 0u) << "flipped byte " << i;
    }
}

}  // namespace
}  // namespace tn::fdt::test
