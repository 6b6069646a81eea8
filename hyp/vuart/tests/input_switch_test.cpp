// Host tests of the console input switch (Ctrl-A escapes).
#include <gtest/gtest.h>

#include <mortise/vuart.hpp>

using namespace mortise::vuart;
using Kind = InputSwitch::Result::Kind;

namespace {

constexpr Target shell{Target::Kind::Shell, 0};
Target guest(unsigned n) { return {Target::Kind::Guest, n}; }

TEST(InputSwitch, PlainBytesGoToTheCurrentTarget) {
    InputSwitch sw{2};
    auto r = sw.feed('l');
    EXPECT_EQ(r.kind, Kind::Forward);
    EXPECT_EQ(r.target, shell);
    ASSERT_EQ(r.count, 1u);
    EXPECT_EQ(r.bytes[0], 'l');
}

TEST(InputSwitch, CtrlADigitSelectsAGuestAndZeroOrMTheShell) {
    InputSwitch sw{3};
    EXPECT_EQ(sw.feed(0x01).kind, Kind::Pending);
    auto r = sw.feed('2');
    EXPECT_EQ(r.kind, Kind::Switched);
    EXPECT_EQ(r.target, guest(1));
    EXPECT_EQ(sw.target(), guest(1));
    r = sw.feed('x');
    EXPECT_EQ(r.kind, Kind::Forward);
    EXPECT_EQ(r.target, guest(1));
    (void)sw.feed(0x01);
    EXPECT_EQ(sw.feed('m').target, shell);
    (void)sw.feed(0x01);
    EXPECT_EQ(sw.feed('1').target, guest(0));
    (void)sw.feed(0x01);
    EXPECT_EQ(sw.feed('0').target, shell);
}

TEST(InputSwitch, MissingGuestIsReportedAndTargetKept) {
    InputSwitch sw{2, guest(1)};
    (void)sw.feed(0x01);
    auto r = sw.feed('3');
    EXPECT_EQ(r.kind, Kind::NoGuest);
    EXPECT_EQ(r.requested, 2u);
    EXPECT_EQ(sw.target(), guest(1));
    (void)sw.feed(0x01);
    EXPECT_EQ(sw.feed('9').kind, Kind::NoGuest);
    sw.set_guest_count(9);
    (void)sw.feed(0x01);
    EXPECT_EQ(sw.feed('9').target, guest(8));
}

TEST(InputSwitch, DoubleCtrlASendsOneAndOtherBytesCancelTheEscape) {
    InputSwitch sw{1, guest(0)};
    (void)sw.feed(0x01);
    auto r = sw.feed(0x01);
    EXPECT_EQ(r.kind, Kind::Forward);
    ASSERT_EQ(r.count, 1u);
    EXPECT_EQ(r.bytes[0], 0x01);
    (void)sw.feed(0x01);
    r = sw.feed('q');
    EXPECT_EQ(r.kind, Kind::Forward);
    ASSERT_EQ(r.count, 2u);
    EXPECT_EQ(r.bytes[0], 0x01);
    EXPECT_EQ(r.bytes[1], 'q');
    EXPECT_EQ(sw.feed('1').kind, Kind::Forward) << "escape state must be over";
}

}  // namespace
