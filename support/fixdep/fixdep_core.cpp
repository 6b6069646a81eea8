#include "fixdep.hpp"

#include <algorithm>

namespace tn::fixdep {

namespace {

bool ident_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

void add_unique(std::vector<std::string>& v, std::string s) {
    if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end())
        v.push_back(std::move(s));
}

}  // namespace

std::vector<std::string> parse_prerequisites(std::string_view text) {
    std::vector<std::string> out;
    // Skip the target list: everything up to the first ':' not part of an escape.
    size_t colon = text.find(": ");
    if (colon == std::string_view::npos)
        colon = text.find(":\n");
    if (colon == std::string_view::npos)
        return out;
    std::string cur;
    for (size_t i = colon + 1; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
            ++i;
            add_unique(out, std::move(cur));
            cur.clear();
        } else if (c == '\\' && i + 1 < text.size() && text[i + 1] == ' ') {
            cur += ' ';
            ++i;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            add_unique(out, std::move(cur));
            cur.clear();
            // A blank line ends the rule; -MP phony targets may follow.
            if (c == '\n' && i + 1 < text.size() && text[i + 1] == '\n')
                break;
        } else {
            cur += c;
        }
    }
    add_unique(out, std::move(cur));
    return out;
}

void scan_config_symbols(std::string_view text, std::set<std::string>& out) {
    constexpr std::string_view prefix = "CONFIG_";
    size_t pos = 0;
    while ((pos = text.find(prefix, pos)) != std::string_view::npos) {
        bool at_start = pos == 0 || !ident_char(text[pos - 1]);
        size_t end = pos + prefix.size();
        while (end < text.size() && ident_char(text[end]))
            ++end;
        if (at_start && end > pos + prefix.size())
            out.insert(std::string(text.substr(pos + prefix.size(), end - pos - prefix.size())));
        pos = end;
    }
}

std::string symbol_stamp_path(std::string_view configdir, std::string_view symbol) {
    std::string path(configdir);
    if (!path.empty() && path.back() != '/')
        path += '/';
    for (char c : symbol) {
        if (c == '_')
            path += '/';
        else if (c >= 'A' && c <= 'Z')
            path += static_cast<char>(c - 'A' + 'a');
        else
            path += c;
    }
    return path + ".h";
}

std::string render(std::string_view target, const std::vector<std::string>& prereqs,
                   const std::set<std::string>& symbols, std::string_view configdir) {
    std::string out(target);
    out += ":";
    for (const auto& p : prereqs)
        out += " \\\n  " + p;
    for (const auto& s : symbols)
        out += " \\\n  $(wildcard " + symbol_stamp_path(configdir, s) + ")";
    out += "\n\n";
    // Phony targets keep make going when a header is deleted (like gcc -MP).
    for (size_t i = 1; i < prereqs.size(); ++i)
        out += prereqs[i] + ":\n";
    return out;
}

}  // namespace tn::fixdep
