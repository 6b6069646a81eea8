// A guest's console lines, tagged and with control characters shown escaped
// (see mortise/guest_line.hpp for the rules).
#include <mortise/guest_line.hpp>

namespace mortise::vuart {

using tn::u32;
using tn::u8;
using tn::usize;

GuestLine::GuestLine(const char* name, Sink sink, void* ctx) : m_sink(sink), m_ctx(ctx) {
    m_line[m_prefix++] = '[';
    // The name comes from the partition description, which allows only
    // [a-z0-9_-]; the tag must not carry a control character all the same.
    for (usize n = 0; name && name[n] && n < k_name_max - 1; ++n) {
        const u8 c = static_cast<u8>(name[n]);
        m_line[m_prefix++] = c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
    }
    m_line[m_prefix++] = ']';
    m_line[m_prefix++] = ' ';
}

void GuestLine::put(u8 byte) {
    if (m_utf8_need) {
        if ((byte & 0xc0) == 0x80) {
            m_utf8[m_utf8_len++] = byte;
            if (m_utf8_len == m_utf8_need)
                finish_utf8();
            return;
        }
        spill_utf8();  // cut short: its bytes are not text
    }
    if (m_cr) {
        m_cr = false;
        if (byte == '\n') {  // CRLF: one line end
            emit();
            return;
        }
        append_escaped('\r');
    }
    if (byte == '\n') {
        emit();
    } else if (byte == '\r') {
        // At the start of a line (LF CR, how some firmware ends lines) a CR
        // has nothing to go back over: dropped, like the CR of CRLF.
        m_cr = m_len != 0;
    } else if (byte == '\t' || (byte >= 0x20 && byte < 0x7f)) {
        const char c = static_cast<char>(byte);
        append(&c, 1);
    } else if (byte >= 0xc2 && byte <= 0xf4) {  // a lead byte that can start well-formed UTF-8
        m_utf8[0] = byte;
        m_utf8_len = 1;
        m_utf8_need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    } else {
        append_escaped(byte);
    }
}

// A complete sequence: text if it is a well-formed character from U+00A0 on.
void GuestLine::finish_utf8() {
    u32 cp = m_utf8[0] & (0x7fu >> m_utf8_need);
    for (unsigned i = 1; i < m_utf8_need; ++i)
        cp = (cp << 6) | (m_utf8[i] & 0x3fu);
    static constexpr u32 k_min[5] = {0, 0, 0xa0, 0x800, 0x1'0000};  // below: C1 controls or overlong
    const bool ok = cp >= k_min[m_utf8_need] && cp <= 0x10'ffff && (cp < 0xd800 || cp > 0xdfff);
    if (!ok) {
        spill_utf8();
        return;
    }
    append(reinterpret_cast<const char*>(m_utf8), m_utf8_need);
    m_utf8_len = m_utf8_need = 0;
}

void GuestLine::spill_utf8() {
    const u8 n = m_utf8_len;
    m_utf8_len = m_utf8_need = 0;
    for (u8 i = 0; i < n; ++i)
        append_escaped(m_utf8[i]);
}

void GuestLine::append_escaped(u8 byte) {
    static constexpr char k_hex[] = "0123456789abcdef";
    const char text[4] = {'\\', 'x', k_hex[byte >> 4], k_hex[byte & 0xf]};
    append(text, sizeof text);
}

// Never splits @p text: a full line goes out first.
void GuestLine::append(const char* text, usize len) {
    if (m_len + len > k_text_max) {
        m_line[m_prefix + m_len] = '\n';
        if (m_sink)
            m_sink(m_ctx, m_line, m_prefix + m_len + 1);
        m_len = 0;
    }
    for (usize i = 0; i < len; ++i)
        m_line[m_prefix + m_len++] = text[i];
}

// The end of a line: a truncated UTF-8 sequence is shown escaped, a trailing
// CR is dropped.
void GuestLine::emit() {
    spill_utf8();
    m_cr = false;
    m_line[m_prefix + m_len] = '\n';
    if (m_sink)
        m_sink(m_ctx, m_line, m_prefix + m_len + 1);
    m_len = 0;
}

void GuestLine::flush() {
    if (m_len || m_utf8_len)
        emit();
    m_cr = false;
}

void GuestLine::end_line() { emit(); }

void GuestLine::clear() {
    m_len = 0;
    m_cr = false;
    m_utf8_len = m_utf8_need = 0;
}

}  // namespace mortise::vuart
