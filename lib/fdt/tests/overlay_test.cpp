// Host tests of tn::fdt::apply_overlay: merges (properties, new nodes, nested nodes, fragment order) read
// back with tn::fdt::Fdt, and every refusal with the path and property it names.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <tn/fdt.hpp>
#include <tn/fdt_overlay.hpp>
#include <tn/fdt_writer.hpp>

namespace tn::fdt {
namespace {

/// A blob written by @p body between the root's begin_node and end_node (8-byte aligned storage).
struct Blob {
    std::vector<u64> words;
    usize size = 0;
    const void* data() const { return words.data(); }
};

Blob make(const std::function<void(Writer&)>& body, usize cap = 4096) {
    Blob b;
    b.words.assign(cap / 8, 0);
    Writer w(b.words.data(), cap);
    w.begin_node("");
    body(w);
    w.end_node();
    b.size = w.finish();
    EXPECT_GT(b.size, 0u);
    return b;
}

/// A small guest tree as Mortise generates it.
Blob base() {
    return make([](Writer& w) {
        w.property_u32("#address-cells", 2).property_u32("#size-cells", 2);
        w.property_string("compatible", "linux,dummy-virt");
        w.begin_node("chosen")
            .property_string("bootargs", "console=ttyAMA0")
            .property_u64("linux,initrd-start", 0x4800'0000)
            .property_u64("linux,initrd-end", 0x4810'0000)
            .end_node();
        w.begin_node("memory@40000000").property_string("device_type", "memory").end_node();
        w.begin_node("cpus").begin_node("cpu@0").property_string("enable-method", "psci").end_node().end_node();
        w.begin_node("pl011@9000000").property_string("compatible", "arm,pl011").end_node();
    });
}

/// An overlay of fragments, each (target-path, body of its __overlay__).
using Frag = std::pair<const char*, std::function<void(Writer&)>>;
Blob overlay(const std::vector<Frag>& frags) {
    return make([&](Writer& w) {
        for (usize i = 0; i < frags.size(); ++i) {
            w.begin_node(("fragment@" + std::to_string(i)).c_str());
            w.property_string("target-path", frags[i].first);
            w.begin_node("__overlay__");
            frags[i].second(w);
            w.end_node().end_node();
        }
    });
}

struct Applied {
    Blob out;
    OverlayStatus st;
    std::string str(const char* path, const char* prop) const {
        auto f = Fdt::try_open(out.data(), out.size);
        EXPECT_TRUE(f.ok());
        auto n = f.value().find_path(path);
        if (!n.ok())
            return "<no node>";
        auto s = f.value().prop_string(n.value(), prop);
        return s.ok() ? s.value() : "<no property>";
    }
};

Applied apply(const Blob& b, const Blob& o, usize cap = 4096) {
    Applied a;
    a.out.words.assign(cap / 8 + 1, 0);
    a.out.size = apply_overlay(b.data(), b.size, o.data(), o.size, a.out.words.data(), cap, a.st);
    return a;
}

void expect_refused(const Blob& o, OverlayError e, const char* path, const char* prop = "") {
    Applied a = apply(base(), o);
    EXPECT_EQ(a.out.size, 0u);
    EXPECT_EQ(a.st.error, e) << overlay_explain(a.st.error) << " at " << a.st.path;
    EXPECT_STREQ(a.st.path, path);
    EXPECT_STREQ(a.st.property, prop);
}

TEST(FdtOverlay, AddsAndReplacesChosenProperties) {
    Applied a = apply(base(), overlay({{"/chosen", [](Writer& w) {
                                            w.property_string("bootargs", "console=ttyAMA0 quiet");
                                            w.property_string("tenon,partner", "rt");
                                        }}}));
    ASSERT_GT(a.out.size, 0u) << overlay_explain(a.st.error);
    EXPECT_EQ(a.st.error, OverlayError::None);
    EXPECT_EQ(a.str("/chosen", "bootargs"), "console=ttyAMA0 quiet");
    EXPECT_EQ(a.str("/chosen", "tenon,partner"), "rt");
    // Everything else is as it was.
    auto f = Fdt::try_open(a.out.data(), a.out.size).value();
    EXPECT_EQ(f.property(f.find_path("/chosen").value(), "linux,initrd-start").value().as_u64().value(),
              0x4800'0000u);
    EXPECT_EQ(a.str("/pl011@9000000", "compatible"), "arm,pl011");
    EXPECT_EQ(a.str("/cpus/cpu@0", "enable-method"), "psci");
    EXPECT_EQ(f.prop_u32(f.root(), "#size-cells").value(), 2u);
}

TEST(FdtOverlay, AddsNestedNewNodesUnderTheRootAndChosen) {
    Applied a = apply(base(), overlay({{"/", [](Writer& w) {
                                            w.begin_node("tenon")
                                                .property_string("compatible", "tenonos,partner")
                                                .property_string("partner", "rt")
                                                .begin_node("deep")
                                                .property_u32("value", 7)
                                                .end_node()
                                                .end_node();
                                        }},
                                       {"/chosen", [](Writer& w) {
                                            w.begin_node("extra").property_string("x", "y").end_node();
                                        }}}));
    ASSERT_GT(a.out.size, 0u) << overlay_explain(a.st.error) << " at " << a.st.path;
    EXPECT_EQ(a.str("/tenon", "compatible"), "tenonos,partner");
    EXPECT_EQ(a.str("/tenon", "partner"), "rt");
    EXPECT_EQ(a.str("/chosen/extra", "x"), "y");
    auto f = Fdt::try_open(a.out.data(), a.out.size).value();
    EXPECT_EQ(f.prop_u32(f.find_path("/tenon/deep").value(), "value").value(), 7u);
}

TEST(FdtOverlay, MergesNestedNodesAcrossFragmentsLaterWins) {
    // The first fragment creates /tenon/deep; the second reaches it through a nested __overlay__ node
    // and the third targets /chosen through the root: all land in the same nodes, later values win.
    Applied a = apply(base(), overlay({{"/", [](Writer& w) {
                                            w.begin_node("tenon").property_string("partner", "rt");
                                            w.begin_node("deep").property_string("a", "1").end_node();
                                            w.end_node();
                                        }},
                                       {"/", [](Writer& w) {
                                            w.begin_node("tenon").property_string("partner", "rt2");
                                            w.begin_node("deep").property_string("b", "2").end_node();
                                            w.end_node();
                                            w.begin_node("chosen").property_string("c", "3").end_node();
                                        }},
                                       {"/chosen", [](Writer& w) { w.property_string("c", "4"); }}}));
    ASSERT_GT(a.out.size, 0u) << overlay_explain(a.st.error) << " at " << a.st.path;
    EXPECT_EQ(a.str("/tenon", "partner"), "rt2");
    EXPECT_EQ(a.str("/tenon/deep", "a"), "1");
    EXPECT_EQ(a.str("/tenon/deep", "b"), "2");
    EXPECT_EQ(a.str("/chosen", "c"), "4");
    auto f = Fdt::try_open(a.out.data(), a.out.size).value();
    unsigned tenons = 0;
    for (Node n : f.children(f.root()))
        tenons += std::string(f.name(n)) == "tenon";
    EXPECT_EQ(tenons, 1u);
}

TEST(FdtOverlay, EmptyFragmentOnAGeneratedNodeChangesNothing) {
    Blob b = base();
    Applied a = apply(b, overlay({{"/cpus", [](Writer&) {}}}));
    ASSERT_EQ(a.out.size, b.size);
    EXPECT_EQ(std::memcmp(a.out.data(), b.data(), b.size), 0);
}

TEST(FdtOverlay, RefusesPhandles) {
    Blob target = make([](Writer& w) {
        w.begin_node("fragment@0").property_u32("target", 1).begin_node("__overlay__").end_node().end_node();
    });
    expect_refused(target, OverlayError::Phandle, "/fragment@0", "target");
    for (const char* n : {"__fixups__", "__local_fixups__", "__symbols__"}) {
        Blob fixups = make([n](Writer& w) { w.begin_node(n).property_string("x", "/fragment@0:target:0").end_node(); });
        expect_refused(fixups, OverlayError::Phandle, (std::string("/") + n).c_str());
    }
    expect_refused(overlay({{"/", [](Writer& w) { w.begin_node("n").property_u32("phandle", 9).end_node(); }}}),
                   OverlayError::Phandle, "/n", "phandle");
}

TEST(FdtOverlay, RefusesMalformedFragments) {
    expect_refused(make([](Writer& w) { w.begin_node("fragment@0").begin_node("__overlay__").end_node().end_node(); }),
                   OverlayError::NotFragment, "/fragment@0", "target-path");
    expect_refused(make([](Writer& w) { w.begin_node("fragment@0").property_string("target-path", "/").end_node(); }),
                   OverlayError::NotFragment, "/fragment@0");
    std::vector<Frag> many(k_max_overlay_fragments + 1, Frag{"/", [](Writer&) {}});
    expect_refused(overlay(many), OverlayError::TooManyFragments, "/fragment@16");
}

TEST(FdtOverlay, RefusesMissingTargets) {
    expect_refused(overlay({{"/nowhere/deeper", [](Writer&) {}}}), OverlayError::NoTarget, "/nowhere/deeper",
                   "target-path");
    expect_refused(overlay({{"chosen", [](Writer&) {}}}), OverlayError::NoTarget, "/chosen", "target-path");
}

TEST(FdtOverlay, RefusesChangesToWhatTheGeneratorOwns) {
    using W = std::function<void(Writer&)>;
    auto refused = [](const char* target, W body, const char* path, const char* prop = "") {
        SCOPED_TRACE(target);
        expect_refused(overlay({{target, body}}), OverlayError::Owned, path, prop);
    };
    for (const char* p : {"linux,initrd-start", "linux,initrd-end", "rng-seed", "kaslr-seed", "stdout-path"})
        refused("/chosen", [p](Writer& w) { w.property_u32(p, 0); }, "/chosen", p);
    refused("/", [](Writer& w) { w.property_string("compatible", "other"); }, "/", "compatible");
    refused("/", [](Writer& w) { w.property_string("model", "new"); }, "/", "model");
    refused("/memory@40000000", [](Writer& w) { w.property_u32("reg", 0); }, "/memory@40000000", "reg");
    refused("/pl011@9000000", [](Writer& w) { w.property_u32("reg", 0); }, "/pl011@9000000", "reg");
    refused("/cpus", [](Writer& w) { w.begin_node("cpu@1").end_node(); }, "/cpus/cpu@1");
    // Reached through the root, too.
    refused("/", [](Writer& w) { w.begin_node("cpus").begin_node("cpu@0").property_u32("x", 1).end_node().end_node(); },
            "/cpus/cpu@0", "x");
}

TEST(FdtOverlay, RefusesMalformedBlobsAndTooSmallBuffers) {
    Blob o = overlay({{"/", [](Writer& w) { w.begin_node("tenon").property_string("partner", "rt").end_node(); }}});
    Blob b = base();
    std::vector<u64> junk(64, 0x1234);
    OverlayStatus st;
    std::vector<u64> out(512);
    EXPECT_EQ(apply_overlay(b.data(), b.size, junk.data(), 512, out.data(), 4096, st), 0u);
    EXPECT_EQ(st.error, OverlayError::BadOverlay);
    EXPECT_EQ(apply_overlay(b.data(), b.size, o.data(), o.size - 8, out.data(), 4096, st), 0u);
    EXPECT_EQ(st.error, OverlayError::BadOverlay);
    EXPECT_EQ(apply_overlay(junk.data(), 512, o.data(), o.size, out.data(), 4096, st), 0u);
    EXPECT_EQ(st.error, OverlayError::BadBase);

    const usize need = apply(b, o).out.size;
    ASSERT_GT(need, 0u);
    for (usize cap = 0; cap < need; cap += 4) {
        Applied a = apply(b, o, cap);
        EXPECT_EQ(a.out.size, 0u) << cap;
        EXPECT_EQ(a.st.error, OverlayError::TooLarge) << cap;
    }
    EXPECT_EQ(apply(b, o, need).out.size, need);
}

TEST(FdtOverlay, DeepestOverlayStillReadable) {
    // Writes land only in / and /chosen (depth <= 2), and an overlay's body starts at depth 3, so the
    // deepest overlay the reader opens (k_max_depth) gives a merged tree of depth k_max_depth - 1: the
    // TooDeep guard only bounds the recursion. One level more and the overlay itself is malformed.
    auto chain = [](u32 levels) {
        return overlay({{"/chosen", [levels](Writer& w) {
                             for (u32 i = 0; i < levels; ++i)
                                 w.begin_node("n");
                             for (u32 i = 0; i < levels; ++i)
                                 w.end_node();
                         }}});
    };
    Applied a = apply(base(), chain(k_max_depth - 3));
    ASSERT_GT(a.out.size, 0u) << overlay_explain(a.st.error);
    EXPECT_TRUE(Fdt::try_open(a.out.data(), a.out.size).ok());
    Applied b = apply(base(), chain(k_max_depth - 2));
    EXPECT_EQ(b.out.size, 0u);
    EXPECT_EQ(b.st.error, OverlayError::BadOverlay);
}

}  // namespace
}  // namespace tn::fdt
