/// @file
/// Distinct address types: mixing a physical, intermediate-physical and virtual
/// address is a type error, not a silent bug.
#pragma once

#include <compare>

#include <tn/types.hpp>

namespace tn {

template <class Tag>
class Addr {
public:
    constexpr Addr() = default;
    constexpr explicit Addr(u64 v) : m_value(v) {}
    constexpr u64 value() const { return m_value; }
    constexpr Addr operator+(u64 off) const { return Addr{m_value + off}; }
    constexpr u64 operator-(Addr o) const { return m_value - o.m_value; }
    constexpr auto operator<=>(const Addr&) const = default;

private:
    u64 m_value = 0;
};

using PhysAddr = Addr<struct PhysTag>;
using Ipa = Addr<struct IpaTag>;
using VirtAddr = Addr<struct VirtTag>;

}  // namespace tn
