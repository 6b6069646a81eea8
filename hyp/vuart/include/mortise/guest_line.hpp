// A guest's console text made safe for the operator's terminal, one line at a
// time: the single place both output paths go through (the emulated PL011,
// vuart.hpp, and the console hypercall, hyp/core's trap.cpp), so every byte a
// guest prints is attributable to it (docs/mortise.md, "Console").
//
// Every line is emitted as "[name] text\n": a guest newline ends the line and
// the next one gets the tag again, so guest text cannot start a line that
// looks like Mortise's own ("mortise: ...") or another guest's. Nothing else
// the guest sends may move the cursor or talk to the terminal:
//   - printable ASCII (0x20-0x7e) and tab pass unchanged;
//   - CR right before LF (CRLF, what Tenon and Linux send), CR at the start
//     of a line (LF CR) and CR at the end of the text are dropped; any other
//     CR is shown as \x0d (a bare CR would let the rest of the line
//     overwrite the tag);
//   - every other C0 control (ESC of an ANSI sequence, BEL, backspace...) and
//     DEL are shown as \xNN, so "ESC[2K" arrives as the text \x1b[2K;
//   - bytes 0x80 and up pass when they form well-formed UTF-8 (no overlong
//     form, surrogate or code point above U+10FFFF) of a character from U+00A0
//     on; anything else (C1 controls U+0080-U+009F, which some terminals obey
//     like ESC, stray or truncated sequences, Latin-1 bytes) is shown as \xNN
//     byte by byte.
// A backslash passes unchanged: "\x1b" typed by the guest looks like an escaped
// ESC, but neither can reach the terminal as a control.
//
// A line holding more than k_text_max bytes of (escaped) text is emitted in
// pieces, each tagged, so one guest cannot hold the shared console; a UTF-8
// character or an escape is never split. Portable, no lock: the owner
// serialises (the PL011's lock, or the hypercall's own instance).
#pragma once

#include <tn/types.hpp>

namespace mortise::vuart {

class GuestLine {
public:
    static constexpr tn::usize k_text_max = 160;  ///< bytes of text per emitted line, tag excluded
    static constexpr tn::usize k_name_max = 32;   ///< guest name with its NUL, as partition::k_name_len
    /// Receives one complete line "[name] text\n" (not NUL-terminated).
    using Sink = void (*)(void* ctx, const char* line, tn::usize len);

    /// @p name is truncated to k_name_max - 1 characters; @p sink may be null
    /// (output discarded).
    GuestLine(const char* name, Sink sink, void* ctx);
    GuestLine(const GuestLine&) = delete;
    GuestLine& operator=(const GuestLine&) = delete;

    /// One byte as the guest wrote it; a newline emits the line.
    void put(tn::u8 byte);
    /// Emits the partial line, if any (a guest stopping mid-line).
    void flush();
    /// Emits the line even if it is empty (the end of a console hypercall's text).
    void end_line();
    /// Drops the partial line (a guest restarting).
    void clear();

private:
    void append(const char* text, tn::usize len);
    void append_escaped(tn::u8 byte);
    void finish_utf8();
    void spill_utf8();
    void emit();

    Sink m_sink;
    void* m_ctx;
    tn::usize m_prefix = 0;  // "[name] "
    tn::usize m_len = 0;     // text bytes after the prefix
    bool m_cr = false;       // a CR waits to see whether LF follows
    tn::u8 m_utf8[4] = {};   // a UTF-8 sequence being received
    tn::u8 m_utf8_len = 0, m_utf8_need = 0;
    char m_line[k_name_max + 2 + k_text_max + 1];  // "[name] " + text + "\n"
};

}  // namespace mortise::vuart
