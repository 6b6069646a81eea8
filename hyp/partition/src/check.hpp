// Private half of mortise::partition: the diagnostics sink and the per-guest decoder.
#pragma once

#include <stdarg.h>

#include <mortise/partition.hpp>
#include <tn/fdt.hpp>
#include <tn/format.hpp>

namespace mortise::partition::detail {

/// Appends diagnostics; past the capacity it only counts them (Diagnostics::dropped).
class Report {
public:
    explicit Report(Diagnostics& diag) : m_diag(diag) {}
    void add(const char* node, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    void vadd(const char* node, const char* fmt, va_list ap) __attribute__((format(printf, 3, 0)));

private:
    Diagnostics& m_diag;
};

/// True if the non-empty regions share a byte. @pre neither wraps past 2^64.
bool overlaps(const Region& a, const Region& b);

/// Decodes guest node @p n (diagnostics name it @p path) into @p g and checks every rule that
/// involves this guest alone (docs/mortise.md); g.valid says whether all of them held.
void decode_guest(const tn::fdt::Fdt& fdt, tn::fdt::Node n, const char* path, const Platform& plat, Guest& g,
                  Report& rep);

/// Decodes channel node @p n (diagnostics name it @p path) into d.channels[@p id] and checks the rules of
/// the channel alone and against the guests of @p d (declared ones, valid or not) and the earlier channels:
/// name, members, size, read-only, doorbell INTIDs. ch.valid says whether they held; placement in the
/// window and the members' validity are the caller's (partition.cpp).
void decode_channel(const tn::fdt::Fdt& fdt, tn::fdt::Node n, const char* path, const Platform& plat,
                    Description& d, unsigned id, Report& rep);

}  // namespace mortise::partition::detail
