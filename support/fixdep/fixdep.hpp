// fixdep: per-option dependency tracking for the TenonOS build.
//
// Every object is compiled with -include config.h, so a plain compiler depfile
// would make every object depend on the whole configuration. fixdep rewrites
// the depfile: config.h is dropped, and for each CONFIG_FOO_BAR named in the
// source or any header it includes, the object depends on
// <configdir>/foo/bar.h, a stamp file that Kconfiglib's sync_deps() touches
// only when that symbol's value changes. Changing one option then rebuilds
// only the objects that mention it (the scheme of Linux's scripts/basic/fixdep).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tn::fixdep {

/// Prerequisites listed in a make-style depfile ("target: a b \\\n c"), in order,
/// without duplicates. Escaped spaces ("\\ ") stay part of a name.
std::vector<std::string> parse_prerequisites(std::string_view depfile);

/// Names (without the CONFIG_ prefix) of every CONFIG_ identifier in @p text.
void scan_config_symbols(std::string_view text, std::set<std::string>& out);

/// <configdir>/foo/bar.h for symbol FOO_BAR (Kconfiglib's sync_deps layout).
std::string symbol_stamp_path(std::string_view configdir, std::string_view symbol);

/// The rewritten depfile text for @p target.
std::string render(std::string_view target, const std::vector<std::string>& prereqs,
                   const std::set<std::string>& symbols, std::string_view configdir);

}  // namespace tn::fixdep
