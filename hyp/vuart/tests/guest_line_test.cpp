// Host tests of vuart::GuestLine, the one place a guest's console text is
// made safe (both the emulated PL011 and the console hypercall use it): every
// line carries the guest's tag, and control characters and escape sequences
// arrive escaped, never as themselves (issue 15: console forging).
#include <gtest/gtest.h>

#include <mortise/guest_line.hpp>

#include <string>
#include <vector>

using mortise::vuart::GuestLine;

using namespace std::string_literals;

namespace {

struct Lines {
    std::vector<std::string> got;
    GuestLine line{"victim", &Lines::sink, this};

    static void sink(void* ctx, const char* text, tn::usize len) { static_cast<Lines*>(ctx)->got.emplace_back(text, len); }
    void put(const std::string& s) {
        for (char c : s)
            line.put(static_cast<tn::u8>(c));
    }
};

TEST(GuestLine, AnInjectedNewlineCannotStartAnUntaggedLine) {
    Lines l;
    l.put("ok\nmortise: guest 'victim' stopped: forged\n");
    ASSERT_EQ(l.got.size(), 2u);
    EXPECT_EQ(l.got[0], "[victim] ok\n");
    EXPECT_EQ(l.got[1], "[victim] mortise: guest 'victim' stopped: forged\n");
}

TEST(GuestLine, CrlfEndsALineAnyOtherCrIsShown) {
    Lines l;
    l.put("a\r\nb\rforged\r\r\n");
    ASSERT_EQ(l.got.size(), 2u);
    EXPECT_EQ(l.got[0], "[victim] a\n");
    EXPECT_EQ(l.got[1], "[victim] b\\x0dforged\\x0d\n");  // the last CR before LF is a line end
    l.put("tail\r");
    l.line.flush();  // a CR at the very end is a line end too
    ASSERT_EQ(l.got.size(), 3u);
    EXPECT_EQ(l.got[2], "[victim] tail\n");
    l.put("\rLF CR\n\rends\n");  // at a line's start a CR has nothing to overwrite but the tag
    ASSERT_EQ(l.got.size(), 5u);
    EXPECT_EQ(l.got[3], "[victim] LF CR\n");
    EXPECT_EQ(l.got[4], "[victim] ends\n");
}

TEST(GuestLine, EscapeSequencesAndOtherControlsAreShownEscaped) {
    Lines l;
    l.put("\x1b[2K\x1b[1Aerased, bare \x1b, bell \x07, backspace \x08, DEL \x7f, NUL \x00, tab\tkept\n"s);
    ASSERT_EQ(l.got.size(), 1u);
    EXPECT_EQ(l.got[0],
              "[victim] \\x1b[2K\\x1b[1Aerased, bare \\x1b, bell \\x07, backspace \\x08, DEL \\x7f, NUL \\x00, "
              "tab\tkept\n");
    for (const std::string& s : l.got)
        for (char c : s.substr(0, s.size() - 1))
            EXPECT_TRUE(c == '\t' || (c >= 0x20 && c < 0x7f)) << int(c);
}

TEST(GuestLine, WellFormedUtf8StaysReadable) {
    Lines l;
    l.put("gr\xc3\xbc\xc3\x9f dich, \xe2\x82\xac 5, \xf0\x9f\x99\x82\n");  // "grüß dich, € 5, 🙂"
    ASSERT_EQ(l.got.size(), 1u);
    EXPECT_EQ(l.got[0], "[victim] gr\xc3\xbc\xc3\x9f dich, \xe2\x82\xac 5, \xf0\x9f\x99\x82\n");
}

TEST(GuestLine, BytesFromX80ThatAreNoCharacterAreShownEscaped) {
    Lines l;
    l.put("\x9b" "2K|"                 // a raw 8-bit CSI
          "\xc2\x9b" "2K|"             // CSI as UTF-8 (U+009B, a C1 control)
          "\xc0\xaf|"                  // overlong '/'
          "\xed\xa0\x80|"              // a surrogate
          "\xf4\x90\x80\x80|"          // above U+10FFFF
          "\xe2\x82|"                  // cut short by the next byte
          "\xe9t\xe9\n");              // Latin-1 "été"
    ASSERT_EQ(l.got.size(), 1u);
    EXPECT_EQ(l.got[0],
              "[victim] \\x9b2K|\\xc2\\x9b2K|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80|\\xe2\\x82|"
              "\\xe9t\\xe9\n");
    l.put("\xe2\x82");  // cut short by the end of the line
    l.line.flush();
    ASSERT_EQ(l.got.size(), 2u);
    EXPECT_EQ(l.got[1], "[victim] \\xe2\\x82\n");
}

// Escaping makes text longer: a line still ends at k_text_max bytes, each
// piece tagged, and an escape is never cut in two.
TEST(GuestLine, LongLinesAreSplitWithTheTagAndWholeEscapes) {
    Lines l;
    l.put(std::string(GuestLine::k_text_max - 2, 'x') + "\x1b" + "y\n");
    ASSERT_EQ(l.got.size(), 2u);
    EXPECT_EQ(l.got[0], "[victim] " + std::string(GuestLine::k_text_max - 2, 'x') + "\n");
    EXPECT_EQ(l.got[1], "[victim] \\x1by\n");
}

TEST(GuestLine, FlushEndLineAndClear) {
    Lines l;
    l.line.flush();  // nothing buffered: nothing emitted
    EXPECT_TRUE(l.got.empty());
    l.line.end_line();  // an empty console.write still shows who wrote
    ASSERT_EQ(l.got.size(), 1u);
    EXPECT_EQ(l.got[0], "[victim] \n");
    l.put("dropped");
    l.line.clear();
    l.put("kept\n");
    ASSERT_EQ(l.got.size(), 2u);
    EXPECT_EQ(l.got[1], "[victim] kept\n");
}

TEST(GuestLine, TheTagItselfCarriesNoControlCharacter) {
    std::vector<std::string> got;
    GuestLine line("ev\x1bil", [](void* ctx, const char* t, tn::usize n) {
        static_cast<std::vector<std::string>*>(ctx)->emplace_back(t, n);
    }, &got);
    line.put('x');
    line.put('\n');
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], "[ev?il] x\n");
}

}  // namespace
