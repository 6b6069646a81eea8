// Property value decoders (§2.2.4: <u32>, <u64>, <string>, <prop-encoded-array>,
// <stringlist>). A Property's bytes were bounds-checked when its token was read; these
// only check that the length suits the requested type.
#include <tn/fdt.hpp>

#include "bytes.hpp"
#include "impl.hpp"

namespace tn::fdt {

using detail::be32;

Result<u32, Error> Property::as_u32() const {
    if (m_size != 4)
        return err(Error::BadLength);
    return be32(m_data);
}

Result<u64, Error> Property::as_u64() const {
    if (m_size != 8)
        return err(Error::BadLength);
    return detail::be64(m_data);
}

Result<u32, Error> Property::cell(usize index) const {
    if (m_size % 4 != 0)
        return err(Error::BadLength);
    if (index >= m_size / 4)
        return err(Error::NotFound);
    return be32(m_data + index * 4);
}

Result<u64, Error> Property::cells(usize first, u32 count) const {
    if (count < 1 || count > 2)
        return err(Error::BadCells);
    u64 value = 0;
    for (u32 i = 0; i < count; ++i)
        value = (value << 32) | TN_TRY(cell(first + i));
    return value;
}

/// A string value ends with its NUL inside the value; requiring the last byte to be
/// NUL also makes every entry of a stringlist safe to scan.
Result<const char*, Error> Property::as_string() const {
    if (m_size == 0 || m_data[m_size - 1] != 0)
        return err(Error::BadString);
    return reinterpret_cast<const char*>(m_data);
}

Result<StringList, Error> Property::as_strings() const {
    if (m_size == 0 || m_data[m_size - 1] != 0)
        return err(Error::BadString);
    const char* first = reinterpret_cast<const char*>(m_data);
    const char* last = first + m_size;
    return StringList{{{first, last}, {last, last}}};
}

detail::StringCursor& detail::StringCursor::operator++() {
    usize room = static_cast<usize>(end - cur);
    usize len = bounded_len(cur, room);
    // Past the NUL; an unterminated tail (only in a hand-made StringList) ends the range.
    cur = len < room ? cur + len + 1 : end;
    return *this;
}

usize StringList::count() const {
    usize n = 0;
    for (auto it = begin(); it != end(); ++it)
        ++n;
    return n;
}

bool StringList::contains(const char* s) const { return detail::contains_n(*this, s, detail::cstr_len(s)); }

bool detail::contains_n(const StringList& list, const char* s, usize len) {
    for (const char* entry : list) {
        if (equals_n(entry, s, len))
            return true;
    }
    return false;
}

Result<const char*, Error> StringList::at(usize index) const {
    for (const char* entry : *this) {
        if (index-- == 0)
            return entry;
    }
    return err(Error::NotFound);
}

}  // namespace tn::fdt
