/// @file
/// @brief Memory-mapped register blocks with offsets checked at compile time.
///
/// @code{.cpp}
///   struct Pl011 : tn::Mmio<0x1000> {
///       struct Dr : Reg<0x000, u32> {};
///       struct Fr : Reg<0x018, u32> { struct Txff : tn::Field<5, 1> {}; };
///       using Mmio::Mmio;
///   };
///   Pl011 uart{base};
///   uart.write<Pl011::Dr>('A');
/// @endcode
///
/// Every volatile access goes through read()/write() below, with the register's
/// declared width; an offset outside the block fails to compile.
#pragma once

#include <tn/register.hpp>
#include <tn/types.hpp>

namespace tn {

/// A register at byte offset @p Offset of width sizeof(T).
template <usize Offset, class T>
struct Reg {
    using Access = T;                        ///< Access type and width.
    static constexpr usize offset = Offset;  ///< Byte offset in the block.
};

/// @p Items registers of type T starting at @p Offset, @p Stride bytes apart.
template <usize Offset, class T, usize Items, usize Stride = sizeof(T)>
struct RegArray {
    using Access = T;                        ///< Access type and width.
    static constexpr usize offset = Offset;  ///< Byte offset of element 0.
    static constexpr usize items = Items;    ///< Number of elements.
    static constexpr usize stride = Stride;  ///< Bytes between elements.
};

/// A block of @p Size bytes of device registers at a virtual address.
/// Accesses are volatile with the register's declared width; they do not
/// block and may be made from any context the device allows.
template <usize Size>
class Mmio {
public:
    /// The block at @p base (mapped as device memory).
    constexpr explicit Mmio(uptr base) : m_base(base) {}

    /// Reads register @p R.
    template <class R>
    typename R::Access read() const {
        static_assert(R::offset + sizeof(typename R::Access) <= Size, "register outside the block");
        return *reinterpret_cast<volatile typename R::Access*>(m_base + R::offset);
    }

    /// Writes @p v to register @p R.
    template <class R>
    void write(typename R::Access v) const {
        static_assert(R::offset + sizeof(typename R::Access) <= Size, "register outside the block");
        *reinterpret_cast<volatile typename R::Access*>(m_base + R::offset) = v;
    }

    /// Element @p i of a RegArray. @pre i < R::items (checked by the caller's loop bounds).
    template <class R>
    typename R::Access read(usize i) const {
        static_assert(R::offset + (R::items - 1) * R::stride + sizeof(typename R::Access) <= Size,
                      "register array outside the block");
        return *reinterpret_cast<volatile typename R::Access*>(m_base + R::offset + i * R::stride);
    }

    /// Writes @p v to element @p i of a RegArray. @pre i < R::items
    template <class R>
    void write(usize i, typename R::Access v) const {
        static_assert(R::offset + (R::items - 1) * R::stride + sizeof(typename R::Access) <= Size,
                      "register array outside the block");
        *reinterpret_cast<volatile typename R::Access*>(m_base + R::offset + i * R::stride) = v;
    }

    /// The block's address.
    constexpr uptr base() const { return m_base; }

private:
    uptr m_base;
};

}  // namespace tn
