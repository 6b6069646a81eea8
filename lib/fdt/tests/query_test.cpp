// Navigation, properties, paths and aliases, `reg` and interrupt decoding of tn::fdt on
// trees built with DtbBuilder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <tn/fdt.hpp>

#include "dtb_builder.hpp"

namespace tn::fdt::test {
namespace {

/// Keeps the blob alive next to the Fdt that points into it.
struct Opened {
    explicit Opened(const std::vector<u8>& blob) : buf(blob) {
        auto r = Fdt::try_open(buf.data(), buf.size());
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : error_name(r.error()));
        if (r.ok())
            fdt = r.value();
    }
    Node at(const char* path) const {
        auto n = fdt->find_path(path);
        EXPECT_TRUE(n.ok()) << path;
        return n.value_or(Node());
    }
    Buffer buf;
    std::optional<Fdt> fdt;
};

std::vector<std::string> names(const Fdt& fdt, NodeRange range) {
    std::vector<std::string> out;
    for (Node n : range)
        out.emplace_back(fdt.name(n));
    return out;
}

std::vector<u8> shapes_tree() {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 2);
    b.begin("cpus").prop_u32("#address-cells", 1).prop_u32("#size-cells", 0);
    b.begin("cpu@0").prop_u32("reg", 0).prop_str("device_type", "cpu").end();
    b.begin("cpu@1").prop_u32("reg", 1).prop_str("device_type", "cpu").end();
    b.end();
    b.begin("memory@80000000").prop_str("device_type", "memory");
    b.prop_cells("reg", {0x0, 0x80000000, 0x0, 0x40000000, 0x8, 0x0, 0x1, 0x0}).end();
    b.begin("memory@0").prop_str("device_type", "memory").prop_str("status", "disabled");
    b.prop_cells("reg", {0x0, 0x0, 0x0, 0x1000}).end();
    b.begin("soc").prop_u32("#address-cells", 1).prop_u32("#size-cells", 1);
    b.begin("uart@9000000").prop_cells("reg", {0x9000000, 0x1000, 0x9001000, 0x10});
    b.prop_strs("compatible", {"vendor,uart-v2", "arm,pl011", "arm,primecell"}).end();
    b.begin("nocells");  // No #address-cells: its children use the defaults 2 / 1.
    b.begin("dev@1").prop_cells("reg", {0x1, 0x2, 0x3}).end();
    b.end();
    b.begin("bad-cells").prop_u32("#address-cells", 3).prop_u32("#size-cells", 3);
    b.begin("dev@0").prop_cells("reg", {0, 0, 0, 0, 0, 0}).end();
    b.end();
    b.begin("big").prop_u32("#address-cells", 2).prop_u32("#size-cells", 3);
    b.begin("dev@0").prop_cells("reg", {0, 0, 0, 0, 0}).end();
    b.end();
    b.end();
    b.end();
    return b.build();
}

TEST(FdtWalk, DepthFirstOrderChildrenAndParents) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    EXPECT_EQ(names(fdt, fdt.nodes()),
              (std::vector<std::string>{"", "cpus", "cpu@0", "cpu@1", "memory@80000000", "memory@0",
                                        "soc", "uart@9000000", "nocells", "dev@1", "bad-cells",
                                        "dev@0", "big", "dev@0"}));
    EXPECT_EQ(names(fdt, fdt.children(fdt.root())),
              (std::vector<std::string>{"cpus", "memory@80000000", "memory@0", "soc"}));
    EXPECT_TRUE(names(fdt, fdt.children(t.at("/cpus/cpu@1"))).empty());
    EXPECT_EQ(fdt.parent(t.at("/soc/nocells/dev@1")).value(), t.at("/soc/nocells"));
    EXPECT_EQ(fdt.parent(t.at("/cpus")).value(), fdt.root());
    EXPECT_EQ(fdt.parent(fdt.root()).error(), Error::NotFound);
    EXPECT_EQ(fdt.next_sibling(t.at("/soc")).error(), Error::NotFound);
    EXPECT_EQ(fdt.first_child(t.at("/cpus/cpu@0")).error(), Error::NotFound);
    Node last = fdt.root();
    for (Node n : fdt.nodes())
        last = n;
    EXPECT_EQ(fdt.next_node(last).error(), Error::NotFound);
}

TEST(FdtWalk, InvalidNodeIsAnErrorNotACrash) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    Node none;
    EXPECT_FALSE(none.valid());
    EXPECT_STREQ(fdt.name(none), "");
    EXPECT_FALSE(fdt.first_child(none).ok());
    EXPECT_FALSE(fdt.next_sibling(none).ok());
    EXPECT_FALSE(fdt.parent(none).ok());
    EXPECT_FALSE(fdt.property(none, "reg").ok());
    EXPECT_FALSE(fdt.reg(none, 0).ok());
    EXPECT_TRUE(names(fdt, fdt.children(none)).empty());
    // A Node of another, smaller blob: its offset lies outside this structure block
    // or on a token that is not FDT_BEGIN_NODE.
    DtbBuilder small;
    small.begin("").begin("a").end().end();
    Opened other(small.build());
    Node foreign = t.at("/soc/big/dev@0");
    EXPECT_STREQ(other.fdt->name(foreign), "");
    EXPECT_FALSE(other.fdt->property(foreign, "reg").ok());
    EXPECT_FALSE(other.fdt->parent(foreign).ok());
    EXPECT_FALSE(other.fdt->next_sibling(foreign).ok());
    usize props = 0;
    for (Property p : fdt.properties(none))
        props += p.size() + 1;
    EXPECT_EQ(props, 0u);
}

TEST(FdtPath, AbsoluteAndUnitAddressLess) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    EXPECT_EQ(t.at("/"), fdt.root());
    EXPECT_STREQ(fdt.name(t.at("/cpus/cpu@1")), "cpu@1");
    EXPECT_STREQ(fdt.name(t.at("//cpus//cpu@0/")), "cpu@0");
    EXPECT_STREQ(fdt.name(t.at("/memory")), "memory@80000000");
    EXPECT_STREQ(fdt.name(t.at("/soc/uart")), "uart@9000000");
    EXPECT_STREQ(fdt.name(t.at("/cpus/cpu@0:opts")), "cpu@0");
    EXPECT_EQ(fdt.find_path("/cpus/cpu@2").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("/cpu").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("/cpus/cpu@").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("/mem").error(), Error::NotFound);  // No prefix matching.
    EXPECT_EQ(fdt.find_path("").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path(nullptr).error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("serial0").error(), Error::NotFound);  // No /aliases.
}

TEST(FdtPath, ExactNameBeatsUnitAddressLessMatch) {
    DtbBuilder b;
    b.begin("").begin("foo@1").end().begin("foo").prop_u32("exact", 1).end().end();
    Opened t(b.build());
    EXPECT_TRUE(t.fdt->has_property(t.at("/foo"), "exact"));
}

TEST(FdtProperty, DecodersCheckLengths) {
    DtbBuilder b;
    b.begin("").prop_u32("one", 7).prop_u64("wide", 0x123456789abcdef0).prop_empty("flag");
    b.prop_str("s", "hello").prop_strs("list", {"a", "", "bc"}).prop("raw", {'n', 'o'});
    b.prop("odd", {1, 2, 3, 4, 5}).end();
    Opened t(b.build());
    const Fdt& fdt = *t.fdt;
    Node r = fdt.root();
    EXPECT_EQ(fdt.prop_u32(r, "one").value(), 7u);
    EXPECT_EQ(fdt.property(r, "wide").value().as_u64().value(), 0x123456789abcdef0u);
    EXPECT_EQ(fdt.property(r, "wide").value().cells(0, 2).value(), 0x123456789abcdef0u);
    EXPECT_EQ(fdt.property(r, "wide").value().cell(1).value(), 0x9abcdef0u);
    EXPECT_EQ(fdt.property(r, "wide").value().cell(2).error(), Error::NotFound);
    EXPECT_EQ(fdt.property(r, "wide").value().cells(1, 2).error(), Error::NotFound);
    EXPECT_EQ(fdt.property(r, "wide").value().cells(0, 3).error(), Error::BadCells);
    EXPECT_EQ(fdt.prop_u32(r, "wide").error(), Error::BadLength);
    EXPECT_EQ(fdt.property(r, "one").value().as_u64().error(), Error::BadLength);
    EXPECT_EQ(fdt.property(r, "odd").value().cell(0).error(), Error::BadLength);
    EXPECT_TRUE(fdt.has_property(r, "flag"));
    EXPECT_EQ(fdt.property(r, "flag").value().size(), 0u);
    EXPECT_EQ(fdt.prop_string(r, "flag").error(), Error::BadString);
    EXPECT_EQ(fdt.prop_string(r, "raw").error(), Error::BadString);  // No NUL.
    EXPECT_EQ(fdt.property(r, "raw").value().as_strings().error(), Error::BadString);
    EXPECT_STREQ(fdt.prop_string(r, "s").value(), "hello");
    EXPECT_EQ(fdt.prop_u32(r, "missing").error(), Error::NotFound);
    EXPECT_FALSE(fdt.has_property(r, "on"));  // No prefix matching.

    StringList list = fdt.property(r, "list").value().as_strings().value();
    EXPECT_EQ(list.count(), 3u);
    EXPECT_STREQ(list.at(1).value(), "");
    EXPECT_STREQ(list.at(2).value(), "bc");
    EXPECT_EQ(list.at(3).error(), Error::NotFound);
    EXPECT_TRUE(list.contains("bc"));
    EXPECT_FALSE(list.contains("b"));

    std::vector<std::string> props;
    for (Property p : fdt.properties(r))
        props.emplace_back(p.name());
    EXPECT_EQ(props, (std::vector<std::string>{"one", "wide", "flag", "s", "list", "raw", "odd"}));
}

TEST(FdtProperty, CompatibleMatchesAnyEntryExactly) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    Node uart = t.at("/soc/uart@9000000");
    EXPECT_TRUE(fdt.compatible_with(uart, "vendor,uart-v2"));
    EXPECT_TRUE(fdt.compatible_with(uart, "arm,pl011"));
    EXPECT_TRUE(fdt.compatible_with(uart, "arm,primecell"));
    EXPECT_FALSE(fdt.compatible_with(uart, "arm,pl01"));
    EXPECT_FALSE(fdt.compatible_with(uart, "arm,pl0111"));
    EXPECT_FALSE(fdt.compatible_with(fdt.root(), "arm,pl011"));
    EXPECT_EQ(fdt.find_compatible("arm,primecell").value(), uart);
    EXPECT_EQ(fdt.find_compatible("arm,pl031").error(), Error::NotFound);
    EXPECT_EQ(names(fdt, fdt.compatible_nodes("arm,pl011")),
              (std::vector<std::string>{"uart@9000000"}));
}

TEST(FdtProperty, DeviceTypeAndStatus) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    EXPECT_EQ(names(fdt, fdt.nodes_of_type("cpu")), (std::vector<std::string>{"cpu@0", "cpu@1"}));
    EXPECT_EQ(names(fdt, fdt.nodes_of_type("memory")),
              (std::vector<std::string>{"memory@80000000", "memory@0"}));
    EXPECT_TRUE(names(fdt, fdt.nodes_of_type("cp")).empty());
    EXPECT_TRUE(fdt.available(t.at("/memory@80000000")));
    EXPECT_FALSE(fdt.available(t.at("/memory@0")));
    Region mem[1];
    EXPECT_EQ(fdt.memory_regions(mem, 1).value(), 2u);  // The disabled node is skipped.
    EXPECT_EQ(mem[0], (Region{0x80000000, 0x40000000}));
    Region all[4];
    EXPECT_EQ(fdt.memory_regions(all, 4).value(), 2u);
    EXPECT_EQ(all[1], (Region{0x800000000, 0x100000000}));
    EXPECT_EQ(fdt.memory_regions(nullptr, 0).value(), 2u);
}

TEST(FdtReg, CellsOfOneAndTwo) {
    Opened t(shapes_tree());
    const Fdt& fdt = *t.fdt;
    Node cpu1 = t.at("/cpus/cpu@1");
    EXPECT_EQ(fdt.reg_count(cpu1).value(), 1u);
    EXPECT_EQ(fdt.reg(cpu1, 0).value(), (Region{1, 0}));  // #size-cells = 0.
    Node uart = t.at("/soc/uart");
    EXPECT_EQ(fdt.reg_count(uart).value(), 2u);
    EXPECT_EQ(fdt.reg(uart, 1).value(), (Region{0x9001000, 0x10}));
    EXPECT_EQ(fdt.reg(uart, 2).error(), Error::NotFound);
    Node mem = t.at("/memory");
    EXPECT_EQ(fdt.reg(mem, 1).value(), (Region{0x800000000, 0x100000000}));
    EXPECT_EQ(fdt.address_cells(t.at("/soc/nocells")).value(), 2u);  // Defaults, not
    EXPECT_EQ(fdt.size_cells(t.at("/soc/nocells")).value(), 1u);     // inherited.
    EXPECT_EQ(fdt.reg(t.at("/soc/nocells/dev@1"), 0).value(), (Region{0x100000002, 3}));
    EXPECT_EQ(fdt.reg(t.at("/soc/bad-cells/dev@0"), 0).error(), Error::BadCells);
    EXPECT_EQ(fdt.reg(t.at("/soc/big/dev@0"), 0).error(), Error::BadCells);
    EXPECT_EQ(fdt.reg(t.at("/cpus"), 0).error(), Error::NotFound);  // No reg.
    EXPECT_EQ(fdt.reg(fdt.root(), 0).error(), Error::NotFound);     // No parent.
}

TEST(FdtReg, PartialEntryIsBadLength) {
    DtbBuilder b;
    b.begin("").prop_u32("#address-cells", 2).prop_u32("#size-cells", 1);
    b.begin("d").prop_cells("reg", {0, 1, 2, 3}).end();
    b.begin("e").prop("reg", {0, 0, 0, 0, 0}).end();
    b.end();
    Opened t(b.build());
    EXPECT_EQ(t.fdt->reg(t.at("/d"), 0).error(), Error::BadLength);
    EXPECT_EQ(t.fdt->reg_count(t.at("/e")).error(), Error::BadLength);
}

std::vector<u8> irq_tree(u32 intc_cells = 3) {
    DtbBuilder b;
    b.begin("").prop_u32("interrupt-parent", 1);
    b.begin("intc").prop_u32("phandle", 1).prop_u32("#interrupt-cells", intc_cells).end();
    b.begin("bus");
    b.begin("dev").prop_cells("interrupts", {0, 5, 4, 1, 14, 8}).end();
    b.begin("short").prop_cells("interrupts", {0, 5}).end();
    b.end();
    b.begin("gpio").prop_u32("linux,phandle", 2).prop_u32("#interrupt-cells", 2).end();
    b.begin("key").prop_u32("interrupt-parent", 2).prop_cells("interrupts", {3, 1}).end();
    b.begin("loop-a").prop_u32("phandle", 10).prop_u32("interrupt-parent", 11).end();
    b.begin("loop-b").prop_u32("phandle", 11).prop_u32("interrupt-parent", 10);
    b.prop_cells("interrupts", {1}).end();
    b.begin("orphan").prop_u32("interrupt-parent", 99).prop_cells("interrupts", {1}).end();
    b.end();
    return b.build();
}

TEST(FdtIrq, InheritedAndExplicitInterruptParents) {
    Opened t(irq_tree());
    const Fdt& fdt = *t.fdt;
    Node dev = t.at("/bus/dev");
    EXPECT_EQ(fdt.interrupt_parent(dev).value(), t.at("/intc"));  // Via the root's link.
    EXPECT_EQ(fdt.interrupt_count(dev).value(), 2u);
    Interrupt irq = fdt.interrupt(dev, 1).value();
    EXPECT_EQ(irq.controller, t.at("/intc"));
    ASSERT_EQ(irq.cell_count, 3u);
    EXPECT_EQ(irq.cells[0], 1u);
    EXPECT_EQ(irq.cells[1], 14u);
    EXPECT_EQ(irq.cells[2], 8u);
    EXPECT_EQ(gic_intid(irq).value(), 30u);
    EXPECT_EQ(gic_intid(fdt.interrupt(dev, 0).value()).value(), 37u);
    EXPECT_EQ(fdt.interrupt(dev, 2).error(), Error::NotFound);
    EXPECT_EQ(fdt.interrupt_count(t.at("/bus/short")).error(), Error::BadLength);
    Node key = t.at("/key");
    EXPECT_EQ(fdt.interrupt_parent(key).value(), t.at("/gpio"));  // linux,phandle.
    EXPECT_EQ(fdt.interrupt(key, 0).value().cells[0], 3u);
    EXPECT_EQ(fdt.interrupt_parent(t.at("/loop-b")).error(), Error::TooDeep);
    EXPECT_EQ(fdt.interrupt(t.at("/loop-b"), 0).error(), Error::TooDeep);
    EXPECT_EQ(fdt.interrupt_parent(t.at("/orphan")).error(), Error::NotFound);
    EXPECT_EQ(fdt.interrupt_count(t.at("/intc")).error(), Error::NotFound);
}

TEST(FdtIrq, UnsupportedInterruptCells) {
    Opened t(irq_tree(5));
    EXPECT_EQ(t.fdt->interrupt(t.at("/bus/dev"), 0).error(), Error::BadCells);
    Opened z(irq_tree(0));
    EXPECT_EQ(z.fdt->interrupt_count(z.at("/bus/dev")).error(), Error::BadCells);
}

TEST(FdtIrq, GicSpecifierDecoding) {
    auto intid = [](u32 type, u32 number) {
        return gic_intid(Interrupt{Node(), 3, {type, number, 4, 0}});
    };
    EXPECT_EQ(intid(0, 0).value(), 32u);
    EXPECT_EQ(intid(0, 987).value(), 1019u);
    EXPECT_EQ(intid(0, 988).error(), Error::BadValue);
    EXPECT_EQ(intid(1, 15).value(), 31u);
    EXPECT_EQ(intid(1, 16).error(), Error::BadValue);
    EXPECT_EQ(intid(2, 0).value(), 4096u);
    EXPECT_EQ(intid(3, 63).value(), 1119u);
    EXPECT_EQ(intid(4, 0).error(), Error::BadValue);
    EXPECT_EQ(gic_intid(Interrupt{Node(), 1, {5}}).error(), Error::BadCells);
}

TEST(FdtPhandle, LookupRejectsReservedValues) {
    Opened t(irq_tree());
    EXPECT_EQ(t.fdt->find_phandle(1).value(), t.at("/intc"));
    EXPECT_EQ(t.fdt->find_phandle(2).value(), t.at("/gpio"));
    EXPECT_EQ(t.fdt->find_phandle(0).error(), Error::NotFound);
    EXPECT_EQ(t.fdt->find_phandle(0xffffffff).error(), Error::NotFound);
    EXPECT_EQ(t.fdt->find_phandle(3).error(), Error::NotFound);
}

std::vector<u8> chosen_tree(const char* stdout_prop, const char* stdout_value) {
    DtbBuilder b;
    b.begin("");
    b.begin("aliases").prop_str("serial0", "/soc/uart@1000").prop_str("soc", "/soc");
    b.prop_str("relative", "soc/uart@1000").prop("broken", {'/', 's'}).end();
    b.begin("soc").begin("uart@1000").end().begin("uart@2000").end().end();
    b.begin("chosen").prop_str("bootargs", "console=ttyAMA0 root=/dev/vda");
    if (stdout_prop)
        b.prop_str(stdout_prop, stdout_value);
    b.end();
    b.end();
    return b.build();
}

TEST(FdtChosen, StdoutPathThroughAliases) {
    struct Case {
        const char* prop;
        const char* value;
        const char* node;
        const char* options;
    } cases[] = {
        {"stdout-path", "serial0:115200n8", "uart@1000", "115200n8"},
        {"stdout-path", "serial0", "uart@1000", nullptr},
        {"stdout-path", "/soc/uart@2000:9600", "uart@2000", "9600"},
        {"stdout-path", "soc/uart@2000", "uart@2000", nullptr},
        {"stdout-path", "soc/uart", "uart@1000", nullptr},
        {"linux,stdout-path", "/soc/uart@2000", "uart@2000", nullptr},
    };
    for (const Case& c : cases) {
        Opened t(chosen_tree(c.prop, c.value));
        auto out = t.fdt->stdout_path();
        ASSERT_TRUE(out.ok()) << c.value << ": " << error_name(out.error());
        EXPECT_STREQ(t.fdt->name(out.value().node), c.node) << c.value;
        if (c.options == nullptr)
            EXPECT_EQ(out.value().options, nullptr) << c.value;
        else
            EXPECT_STREQ(out.value().options, c.options) << c.value;
    }
}

TEST(FdtChosen, BrokenAliasesAndMissingProperties) {
    Opened t(chosen_tree(nullptr, nullptr));
    const Fdt& fdt = *t.fdt;
    EXPECT_STREQ(fdt.bootargs().value(), "console=ttyAMA0 root=/dev/vda");
    EXPECT_EQ(fdt.stdout_path().error(), Error::NotFound);
    EXPECT_STREQ(fdt.alias("serial0").value(), "/soc/uart@1000");
    EXPECT_EQ(fdt.alias("serial1").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("relative").error(), Error::BadString);  // Not absolute.
    EXPECT_EQ(fdt.find_path("broken").error(), Error::BadString);    // No NUL.
    EXPECT_EQ(fdt.find_path("serial").error(), Error::NotFound);
    EXPECT_EQ(fdt.find_path("soc/uart@3000").error(), Error::NotFound);
    Opened bad(chosen_tree("stdout-path", "serial1:115200"));
    EXPECT_EQ(bad.fdt->stdout_path().error(), Error::NotFound);
    DtbBuilder b;
    b.begin("").end();
    Opened bare(b.build());
    EXPECT_EQ(bare.fdt->bootargs().error(), Error::NotFound);
}

}  // namespace
}  // namespace tn::fdt::test
