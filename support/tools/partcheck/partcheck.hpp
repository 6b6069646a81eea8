// The partcheck command as a function, so host tests can run it without a process.
#pragma once

#include <cstdio>

namespace partcheck {
/// Runs partcheck with @p argv (argv[0] ignored); diagnostics go to @p err. Returns the exit
/// status: 0 clean, 1 description problems, 2 usage or file errors.
int run(int argc, const char* const* argv, std::FILE* err);
}  // namespace partcheck
