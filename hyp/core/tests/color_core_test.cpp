// Coloured guests in hyp/core on the host (src/guest.cpp against arch/fake and tests/core_env.cpp,
// whose board RAM is a 2 MiB-aligned host buffer): RAM built from pages of the guest's LLC colours,
// mapped by stage 2 as one IPA range; the image and the generated device tree copied in page by
// page; guest RAM read back through ram(); a guest in one piece placed beside them; a guest whose
// colours cannot hold its RAM refused; the boot-time colour check (check_colors).
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include <mortise/color.hpp>
#include <mortise/guestdt.hpp>
#include <mortise/kernel_image.hpp>
#include <tn/plat/mortise_guest_map.hpp>

#include "core_env.hpp"

namespace mortise {
bool init_hypercalls();
}  // namespace mortise
extern "C" char __tn_image_start[];  // Mortise's image (core_env.cpp)

namespace {

/// A 40 KiB arm64 Image (ten pages: it crosses runs of coloured pages) whose bytes after the
/// header count up, so that a misplaced page shows.
struct BigImage {
    mortise::u8 bytes[40 * 1024];
    BigImage() {
        for (unsigned i = 0; i < sizeof bytes; ++i)
            bytes[i] = i < 64 ? 0 : static_cast<mortise::u8>(i * 7 + i / 4096);
        const mortise::u64 text_offset = 0, image_size = sizeof bytes, magic = 0x644d5241;
        std::memcpy(bytes + 8, &text_offset, 8);
        std::memcpy(bytes + 16, &image_size, 8);
        std::memcpy(bytes + 56, &magic, 8);
    }
};
alignas(16) BigImage g_big;

}  // namespace

extern "C" {
extern const mortise::Image mortise_image_table[2];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[1];
extern const tn::u64 mortise_partitions_size;
const mortise::Image mortise_image_table[2] = {
    {"big", g_big.bytes, sizeof g_big.bytes},
    {"big", g_big.bytes, sizeof g_big.bytes, mortise::ImageKind::Linux}};
const tn::u64 mortise_image_count = 2;
const tn::u8 mortise_partitions[1] = {};
const tn::u64 mortise_partitions_size = 0;
}

namespace mortise::test {
namespace {

namespace gmap = tn::plat::mortise_guest::map;

enum : unsigned { k_red, k_blue, k_plain, k_greedy, k_count };
constexpr unsigned k_colors = 16;

partition::Guest guest_desc(const char* name, u64 cpu_mask, u64 colors, u64 mem) {
    partition::Guest g{};
    std::strcpy(g.name, name);
    std::strcpy(g.image, "big");
    g.cpu_mask = cpu_mask;
    g.mem_size = mem;
    g.colors = colors;
    g.autostart = true;
    g.valid = true;
    return g;
}

partition::Description g_desc;
std::string g_log;

class ColorCore : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        init_env();
        g_desc.colors = k_colors;
        g_desc.guests[k_red] = guest_desc("red", 0x1, 0x000f, 4 * tn::MiB);
        g_desc.guests[k_blue] = guest_desc("blue", 0x2, 0x00f0, 4 * tn::MiB);  // Linux: a generated tree
        g_desc.guests[k_blue].kernel = partition::Kernel::Linux;
        g_desc.guests[k_plain] = guest_desc("plain", 0x4, 0, 4 * tn::MiB);
        // 8 colours of the 64 MiB board hold less than 32 MiB once Mortise and the others took theirs.
        g_desc.guests[k_greedy] = guest_desc("greedy", 0x8, 0xff00, 32 * tn::MiB);
        g_desc.count = k_count;
        ASSERT_TRUE(init_hypercalls());
        create_guests(g_desc);
        g_log = take_console();
    }

    /// Host pages of @p g's RAM window, walked through its stage 2 (each must be mapped).
    static std::set<u64> pages(unsigned g) {
        std::set<u64> out;
        const tn::IpaRange w = partition::ram_window(g_desc.guests[g]);
        for (u64 off = 0; off < w.size; off += stage2::k_page) {
            auto t = guest(g)->stage2().translate(w.base + off);
            EXPECT_TRUE(t.ok()) << off;
            if (t.ok())
                out.insert(t.value().pa.value());
        }
        return out;
    }
};

TEST_F(ColorCore, ColouredGuestsRunOnPagesOfTheirColoursOnly) {
    EXPECT_EQ(guest(k_red)->state(), GuestState::Running) << g_log;
    EXPECT_EQ(guest(k_blue)->state(), GuestState::Running) << g_log;
    EXPECT_EQ(guest(k_plain)->state(), GuestState::Running) << g_log;
    const std::set<u64> red = pages(k_red), blue = pages(k_blue);
    EXPECT_EQ(red.size(), 4 * tn::MiB / stage2::k_page);
    EXPECT_EQ(blue.size(), 4 * tn::MiB / stage2::k_page);
    for (u64 pa : red)
        EXPECT_TRUE((0x000fu >> color::color_of(tn::PhysAddr{pa}, k_colors)) & 1) << std::hex << pa;
    for (u64 pa : blue) {
        EXPECT_TRUE((0x00f0u >> color::color_of(tn::PhysAddr{pa}, k_colors)) & 1) << std::hex << pa;
        EXPECT_EQ(red.count(pa), 0u);
    }
    // The guest in one piece is clear of both, and of Mortise's own image.
    const tn::PhysRange plain{guest(k_plain)->ram_pa(), 4 * tn::MiB};
    const tn::PhysRange image{tn::PhysAddr{reinterpret_cast<u64>(__tn_image_start)}, 4096};
    for (const std::set<u64>* s : {&red, &blue})
        for (u64 pa : *s) {
            EXPECT_FALSE(plain.overlaps({tn::PhysAddr{pa}, stage2::k_page})) << std::hex << pa;
            EXPECT_FALSE(image.overlaps({tn::PhysAddr{pa}, stage2::k_page})) << std::hex << pa;
        }
    // Page-granular: a 4 MiB coloured guest takes a table per 2 MiB more than the one in one piece.
    EXPECT_GE(guest(k_red)->stage2_tables(), guest(k_plain)->stage2_tables() + 2);
    EXPECT_NE(g_log.find("guest 'red': RAM from the LLC colours of mask 0xf (of 16): 1024 pages"), std::string::npos)
        << g_log;
}

// The image went in page by page: read back through ram() a page at a time it is whole; a range
// that spans two runs of pages is refused by ram() (a caller copies page by page).
TEST_F(ColorCore, ImageCopiedPageByPage) {
    for (unsigned g : {k_red, k_blue}) {
        for (u64 off = 0; off < sizeof g_big.bytes; off += stage2::k_page) {
            const u8* p = guest(g)->ram(gmap::k_ram + off, stage2::k_page);
            ASSERT_NE(p, nullptr) << off;
            ASSERT_EQ(std::memcmp(p, g_big.bytes + off, stage2::k_page), 0) << g << " page at " << off;
        }
        // Colours 0-3 (or 4-7) are four adjacent pages out of sixteen: bytes 16 KiB apart in the
        // guest are 64 KiB apart in the host.
        EXPECT_NE(guest(g)->ram(gmap::k_ram, 4 * stage2::k_page), nullptr);
        EXPECT_EQ(guest(g)->ram(gmap::k_ram + 3 * stage2::k_page, 2 * stage2::k_page), nullptr);
    }
}

// Blue is a Linux guest: its tree is generated in Mortise's scratch and copied to the top of its
// RAM page by page; the scratch (with the seeds) is wiped.
TEST_F(ColorCore, DeviceTreeCopiedPageByPage) {
    const u64 top = 4 * tn::MiB - kernel_image::k_dt_room;
    std::string tree;
    for (u64 off = 0; off < guestdt::k_max_size; off += stage2::k_page) {
        const u8* p = guest(k_blue)->ram(gmap::k_ram + top + off, stage2::k_page);
        ASSERT_NE(p, nullptr);
        tree.append(reinterpret_cast<const char*>(p), stage2::k_page);
    }
    EXPECT_EQ(tree.compare(0, 4, "\xd0\x0d\xfe\xed"), 0);
    EXPECT_NE(tree.find("kaslr-seed"), std::string::npos);
    EXPECT_NE(tree.find("memory@40000000"), std::string::npos);
}

TEST_F(ColorCore, RefusedWhenItsColoursCannotHoldItsRam) {
    EXPECT_EQ(guest(k_greedy)->state(), GuestState::Stopped);
    EXPECT_NE(g_log.find("guest 'greedy' not started: the free RAM holds only"), std::string::npos) << g_log;
    EXPECT_NE(g_log.find("give it more colours or less memory"), std::string::npos) << g_log;
}

TEST_F(ColorCore, BootCheckCountsEveryPage) {
    EXPECT_EQ(check_colors(), 0u);
    const std::string log = take_console();
    EXPECT_NE(log.find("colour check: guest 'red': 1024 RAM pages in stage 2, 0 of a colour outside mask 0xf, 0 in "
                       "Mortise's memory, 0 in another guest's RAM, 0 unmapped"), std::string::npos) << log;
    EXPECT_NE(log.find("colour check: guest 'plain': 1024 RAM pages in stage 2 (not coloured)"), std::string::npos)
        << log;
}

}  // namespace
}  // namespace mortise::test
