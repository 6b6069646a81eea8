/// @file
/// @brief Distinct address types: mixing a physical, intermediate-physical and virtual
/// address is a type error, not a silent bug.
///
/// A PhysAddr is where the memory system puts a byte, an Ipa (intermediate physical
/// address) is what a guest believes is physical and stage 2 translates, a VirtAddr is
/// what a stage-1 translation regime takes. The three share one template, Addr<Tag>,
/// but no conversion exists between them: only explicit construction from an integer
/// and value() cross the boundary, so every place that turns one kind into another
/// (a page-table walk, an identity mapping) says so in the code. Arithmetic is limited
/// to what addresses need: moving by a byte count, the distance between two addresses
/// of one kind, alignment and comparison. lib/kbase/tests/addr_test.cpp checks that
/// the kinds do not mix.
#pragma once

#include <compare>

#include <tn/types.hpp>

namespace tn {

/// An address of the kind @p Tag names (PhysAddr, Ipa, VirtAddr). Only
/// explicit construction and value() convert from and to integers.
template <class Tag>
class Addr {
public:
    /// Address 0.
    constexpr Addr() = default;
    /// The address @p v.
    constexpr explicit Addr(u64 v) : m_value(v) {}
    /// The address as an integer.
    constexpr u64 value() const { return m_value; }
    /// The address @p off bytes further (wraps modulo 2^64, like the integer).
    constexpr Addr operator+(u64 off) const { return Addr{m_value + off}; }
    /// The address @p off bytes back.
    constexpr Addr operator-(u64 off) const { return Addr{m_value - off}; }
    /// Moves this address @p off bytes further.
    constexpr Addr& operator+=(u64 off) {
        m_value += off;
        return *this;
    }
    /// Bytes from @p o to this address. @pre o <= *this.
    constexpr u64 operator-(Addr o) const { return m_value - o.m_value; }
    /// True if the address is a multiple of @p align (a power of two).
    constexpr bool aligned(u64 align) const { return is_aligned(m_value, align); }
    /// The address rounded down to a multiple of @p align (a power of two).
    constexpr Addr align_down(u64 align) const { return Addr{tn::align_down(m_value, align)}; }
    /// The address rounded up to a multiple of @p align (a power of two).
    constexpr Addr align_up(u64 align) const { return Addr{tn::align_up(m_value, align)}; }
    /// Compares two addresses of the same kind.
    constexpr auto operator<=>(const Addr&) const = default;

private:
    u64 m_value = 0;
};

using PhysAddr = Addr<struct PhysTag>;  ///< A physical address.
using Ipa = Addr<struct IpaTag>;        ///< An intermediate physical address (a guest's physical address).
using VirtAddr = Addr<struct VirtTag>;  ///< A virtual address.

/// The bytes [base, base + size) of one address kind. Ranges that wrap past 2^64 are
/// the caller's to refuse: the queries below assume base + size does not wrap.
template <class A>
struct AddrRange {
    A base;    ///< First byte.
    u64 size;  ///< Bytes; 0 is an empty range.

    /// The first byte past the range.
    constexpr A end() const { return base + size; }
    /// True if @p a is inside the range.
    constexpr bool contains(A a) const { return a >= base && a - base < size; }
    /// True if all of [a, a + bytes) is inside the range (false for a range that does not fit).
    constexpr bool contains(A a, u64 bytes) const {
        return a >= base && bytes <= size && a - base <= size - bytes;
    }
    /// True if both ranges are non-empty and share a byte.
    constexpr bool overlaps(const AddrRange& o) const {
        return size != 0 && o.size != 0 && base < o.end() && o.base < end();
    }
    /// Ranges are equal when base and size are.
    constexpr bool operator==(const AddrRange&) const = default;
};

using PhysRange = AddrRange<PhysAddr>;  ///< A range of physical addresses.
using IpaRange = AddrRange<Ipa>;        ///< A range of intermediate physical addresses.
using VirtRange = AddrRange<VirtAddr>;  ///< A range of virtual addresses.

}  // namespace tn
