#include <gtest/gtest.h>

#include "fixdep.hpp"

using namespace tn::fixdep;

TEST(Fixdep, ParsesContinuationsAndEscapes) {
    auto p = parse_prerequisites("out/a.o: src/a.cpp /x/config.h \\\n  inc/my\\ file.h inc/b.h \\\n inc/b.h\n");
    std::vector<std::string> want{"src/a.cpp", "/x/config.h", "inc/my file.h", "inc/b.h"};
    EXPECT_EQ(p, want);
}

TEST(Fixdep, StopsAtPhonyTargets) {
    auto p = parse_prerequisites("a.o: a.c b.h\n\nb.h:\n");
    std::vector<std::string> want{"a.c", "b.h"};
    EXPECT_EQ(p, want);
}

TEST(Fixdep, ScansWholeIdentifiersOnly) {
    std::set<std::string> s;
    scan_config_symbols("#if CONFIG_FOO_BAR && !MYCONFIG_X\nint y = CONFIG_N2; CONFIG_ ;", s);
    std::set<std::string> want{"FOO_BAR", "N2"};
    EXPECT_EQ(s, want);
}

TEST(Fixdep, StampPathFollowsSyncDepsLayout) {
    EXPECT_EQ(symbol_stamp_path("/b/include/config", "LIBFOO_BAR"), "/b/include/config/libfoo/bar.h");
    EXPECT_EQ(symbol_stamp_path("d/", "X"), "d/x.h");
}

TEST(Fixdep, RendersWildcardStampsAndPhonyHeaders) {
    std::string out = render("o.o", {"s.c", "h.h"}, {"A_B"}, "cfg");
    EXPECT_NE(out.find("o.o: \\\n  s.c \\\n  h.h \\\n  $(wildcard cfg/a/b.h)\n"), std::string::npos);
    EXPECT_NE(out.find("\nh.h:\n"), std::string::npos);
    EXPECT_EQ(out.find("\ns.c:\n"), std::string::npos);  // the source itself gets no phony rule
}
