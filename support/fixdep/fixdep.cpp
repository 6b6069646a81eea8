// Command-line front end: fixdep DEPFILE TARGET CONFIGDIR CONFIG_H
// Writes the rewritten depfile to standard output.
#include <fstream>
#include <iostream>
#include <sstream>

#include "fixdep.hpp"

namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: fixdep DEPFILE TARGET CONFIGDIR CONFIG_H\n";
        return 2;
    }
    std::string depfile;
    if (!read_file(argv[1], depfile)) {
        std::cerr << "fixdep: cannot read " << argv[1] << "\n";
        return 1;
    }
    const std::string config_h = argv[4];
    std::vector<std::string> kept;
    std::set<std::string> symbols;
    for (auto& p : tn::fixdep::parse_prerequisites(depfile)) {
        if (p == config_h)
            continue;
        std::string text;
        if (!read_file(p, text)) {
            std::cerr << "fixdep: cannot read prerequisite " << p << "\n";
            return 1;
        }
        tn::fixdep::scan_config_symbols(text, symbols);
        kept.push_back(std::move(p));
    }
    std::cout << tn::fixdep::render(argv[2], kept, symbols, argv[3]);
    return 0;
}
