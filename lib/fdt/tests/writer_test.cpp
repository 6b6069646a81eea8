// Host tests of tn::fdt::Writer: blobs it writes are read back with tn::fdt::Fdt (and by dtc,
// when installed); misuse and every too-small buffer fail cleanly without writing past the end.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <tn/fdt.hpp>
#include <tn/fdt_writer.hpp>

namespace tn::fdt {
namespace {

/// 8-byte aligned storage with a guard area after the capacity the writer is given.
struct Buf {
    explicit Buf(usize cap) : words((cap + 64) / 8 + 1, 0xa5a5a5a5a5a5a5a5ull), cap(cap) {}
    void* data() { return words.data(); }
    const u8* bytes() const { return reinterpret_cast<const u8*>(words.data()); }
    bool guard_intact() const {
        for (usize i = cap; i < words.size() * 8; ++i)
            if (bytes()[i] != 0xa5)
                return false;
        return true;
    }
    std::vector<u64> words;
    usize cap;
};

/// A small tree using every kind of call; returns finish().
usize write_sample(Writer& w) {
    const u32 reg[4] = {0, 0x4000'0000, 0, 0x200'0000};
    w.reserve(0x4800'0000, 0x1000);
    w.begin_node("");
    w.property_u32("#address-cells", 2).property_u32("#size-cells", 2);
    w.property_strings("compatible", "linux,dummy-virt\0test", 22);
    w.begin_node("chosen").property_string("bootargs", "console=ttyAMA0").end_node();
    w.begin_node("memory@40000000").property_string("device_type", "memory").property_cells("reg", reg, 4);
    w.end_node();
    w.begin_node("empty").property_empty("flag").property_u64("big", 0x1122'3344'5566'7788ull).end_node();
    w.begin_node("outer").begin_node("inner").property_u32("#size-cells", 1).end_node().end_node();
    w.end_node();
    return w.finish();
}

TEST(FdtWriter, ReadsBackThroughTheReader) {
    Buf b(4096);
    Writer w(b.data(), b.cap);
    usize size = write_sample(w);
    ASSERT_GT(size, 0u);
    EXPECT_EQ(size % 4, 0u);
    EXPECT_TRUE(b.guard_intact());
    auto opened = Fdt::try_open(b.data(), size);
    ASSERT_TRUE(opened.ok()) << error_name(opened.error());
    const Fdt& f = opened.value();
    EXPECT_EQ(f.total_size(), size);
    EXPECT_EQ(f.version(), 17u);

    usize rsv = 0;
    for (Region r : f.reservations()) {
        EXPECT_EQ(r, (Region{0x4800'0000, 0x1000}));
        ++rsv;
    }
    EXPECT_EQ(rsv, 1u);

    EXPECT_EQ(f.prop_u32(f.root(), "#address-cells").value(), 2u);
    auto compat = f.property(f.root(), "compatible").value().as_strings();
    ASSERT_TRUE(compat.ok());
    EXPECT_EQ(compat.value().count(), 2u);
    EXPECT_TRUE(compat.value().contains("test"));
    EXPECT_STREQ(f.bootargs().value(), "console=ttyAMA0");

    Region mem[2];
    auto n = f.memory_regions(mem, 2);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(n.value(), 1u);
    EXPECT_EQ(mem[0], (Region{0x4000'0000, 0x200'0000}));

    Node e = f.find_path("/empty").value();
    EXPECT_EQ(f.property(e, "flag").value().size(), 0u);
    EXPECT_EQ(f.property(e, "big").value().as_u64().value(), 0x1122'3344'5566'7788ull);
    Node inner = f.find_path("/outer/inner").value();
    EXPECT_EQ(f.prop_u32(inner, "#size-cells").value(), 1u);
    EXPECT_EQ(f.parent(inner).value(), f.find_path("/outer").value());

    // Names are shared: "#size-cells" appears twice in the tree, once in the strings block.
    const u8* blob = b.bytes();
    auto be = [&](usize off) {
        return (u32{blob[off]} << 24) | (u32{blob[off + 1]} << 16) | (u32{blob[off + 2]} << 8) | blob[off + 3];
    };
    std::string strings(reinterpret_cast<const char*>(blob + be(12)), be(32));
    EXPECT_EQ(strings.find("#size-cells"), strings.rfind("#size-cells"));
    EXPECT_EQ(be(12) + be(32), size);  // Strings right behind the structure block.
}

TEST(FdtWriter, EveryTooSmallBufferFailsWithoutOverrun) {
    Buf full(4096);
    Writer w(full.data(), full.cap);
    const usize need = write_sample(w);
    ASSERT_GT(need, 0u);
    for (usize cap = 0; cap < need; ++cap) {
        Buf b(cap);
        Writer small(b.data(), cap);
        EXPECT_EQ(write_sample(small), 0u) << cap;
        EXPECT_FALSE(small.ok());
        EXPECT_TRUE(b.guard_intact()) << cap;
    }
    Buf exact(need);
    Writer fits(exact.data(), need);
    EXPECT_EQ(write_sample(fits), need);
    EXPECT_TRUE(exact.guard_intact());
    EXPECT_EQ(std::memcmp(exact.bytes(), full.bytes(), need), 0);
}

TEST(FdtWriter, MisuseFails) {
    Buf b(1024);
    {
        Writer w(b.data(), b.cap);  // Root must be "".
        w.begin_node("root");
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Property outside any node.
        w.property_u32("x", 1);
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Property after a subnode (§5.4.2).
        w.begin_node("").begin_node("a").end_node().property_u32("x", 1);
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Unbalanced end.
        w.begin_node("").end_node().end_node();
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // A second root.
        w.begin_node("").end_node().begin_node("x");
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Node left open.
        w.begin_node("").begin_node("a");
        EXPECT_EQ(w.finish(), 0u);
    }
    {
        Writer w(b.data(), b.cap);  // Reservation after the structure started.
        w.begin_node("").reserve(0, 0x1000);
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Empty child name, null data with a size.
        w.begin_node("").begin_node("");
        EXPECT_FALSE(w.ok());
        Writer v(b.data(), b.cap);
        v.begin_node("").property("x", nullptr, 4);
        EXPECT_FALSE(v.ok());
    }
    {
        Writer w(b.data(), b.cap);  // Spent after finish().
        w.begin_node("").end_node();
        EXPECT_GT(w.finish(), 0u);
        EXPECT_EQ(w.finish(), 0u);
    }
    Writer none(nullptr, 1024);
    EXPECT_FALSE(none.ok());
}

TEST(FdtWriter, DtcAcceptsTheBlob) {
    if (std::system("command -v dtc >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "dtc not installed";
    Buf b(4096);
    Writer w(b.data(), b.cap);
    usize size = write_sample(w);
    ASSERT_GT(size, 0u);
    char path[] = "/tmp/fdt_writer_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    FILE* f = fdopen(fd, "wb");
    ASSERT_EQ(std::fwrite(b.bytes(), 1, size, f), size);
    std::fclose(f);
    std::string cmd = std::string("dtc -q -I dtb -O dts ") + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char line[256];
    while (std::fgets(line, sizeof(line), p))
        out += line;
    int rc = pclose(p);
    std::remove(path);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("bootargs = \"console=ttyAMA0\";"), std::string::npos) << out;
    EXPECT_NE(out.find("0x0000000048000000 0x0000000000001000;"), std::string::npos) << out;
    EXPECT_NE(out.find("inner {"), std::string::npos) << out;
}

}  // namespace
}  // namespace tn::fdt
