// Test helpers: register offsets as the GICv3 spec names them, and a guest
// model that reads and writes the emulated frames like a driver.
#pragma once

#include <gtest/gtest.h>

#include <mortise/vgic.hpp>

namespace vgic_test {

using namespace mortise;
using namespace mortise::vgic;

namespace gicd {
constexpr u64 ctlr = 0x0, typer = 0x4, iidr = 0x8, typer2 = 0xc, igroupr = 0x80, isenabler = 0x100,
              icenabler = 0x180, ispendr = 0x200, icpendr = 0x280, isactiver = 0x300, icactiver = 0x380,
              ipriorityr = 0x400, itargetsr = 0x800, icfgr = 0xc00, irouter = 0x6000, pidr2 = 0xffe8;
}
namespace gicr {
constexpr u64 ctlr = 0x0, iidr = 0x4, typer = 0x8, waker = 0x14, propbaser = 0x70, pidr2 = 0xffe8;
constexpr u64 sgi = 0x10000;  // SGI_base frame, then the registers as in GICD
}

inline Config config(unsigned vcpus, u32 lines = 288) {
    Config c;
    c.vcpu_count = vcpus;
    c.lines = lines;
    return c;
}

struct Guest {
    Vgic v;
    explicit Guest(const Config& c) : v(c) {}

    u64 dr(u64 off, unsigned size = 4) {
        u64 x = ~u64{0};
        EXPECT_TRUE(v.distributor().read(0, off, size, x)) << "GICD read " << std::hex << off;
        return x;
    }
    void dw(u64 off, u64 x, unsigned size = 4) {
        EXPECT_TRUE(v.distributor().write(0, off, size, x)) << "GICD write " << std::hex << off;
    }
    u64 rr(unsigned cpu, u64 off, unsigned size = 4) {
        u64 x = ~u64{0};
        EXPECT_TRUE(v.redistributor().read(cpu, cpu * k_gicr_stride + off, size, x))
            << "GICR" << cpu << " read " << std::hex << off;
        return x;
    }
    void rw(unsigned cpu, u64 off, u64 x, unsigned size = 4) {
        EXPECT_TRUE(v.redistributor().write(cpu, cpu * k_gicr_stride + off, size, x))
            << "GICR" << cpu << " write " << std::hex << off;
    }
    /// Distributor on, group 1 everywhere, the given interrupt enabled.
    void enable_group1(unsigned cpu, u32 intid) {
        dw(gicd::ctlr, 0x12);  // ARE | EnableGrp1
        if (intid < 32) {
            rw(cpu, gicr::sgi + gicd::igroupr, ~u32{0});
            rw(cpu, gicr::sgi + gicd::isenabler, u32{1} << intid);
        } else {
            dw(gicd::igroupr + intid / 32 * 4, ~u32{0});
            dw(gicd::isenabler + intid / 32 * 4, u32{1} << (intid % 32));
        }
    }
    void set_priority(unsigned cpu, u32 intid, u8 p) {
        if (intid < 32)
            rw(cpu, gicr::sgi + gicd::ipriorityr + intid, p, 1);
        else
            dw(gicd::ipriorityr + intid, p, 1);
    }
};

}  // namespace vgic_test
