#include <tn/format.hpp>

namespace tn::fmt {

namespace {

struct Spec {
    bool left = false, zero = false, plus = false, space = false, alt = false;
    int width = 0;
    int precision = -1;
    int length = 0;  // 0 int, -1 char, -2 short, 1 long, 2 long long, 3 size_t/intmax/ptrdiff
};

class Out {
public:
    Out(Put put, void* ctx) : m_put(put), m_ctx(ctx) {}
    void put(char c) {
        m_put(c, m_ctx);
        ++m_count;
    }
    void repeat(char c, int n) {
        for (; n > 0; --n)
            put(c);
    }
    usize count() const { return m_count; }

private:
    Put m_put;
    void* m_ctx;
    usize m_count = 0;
};

const char* parse_spec(const char* p, Spec& s, va_list& ap) {
    for (;; ++p) {
        if (*p == '-') s.left = true;
        else if (*p == '0') s.zero = true;
        else if (*p == '+') s.plus = true;
        else if (*p == ' ') s.space = true;
        else if (*p == '#') s.alt = true;
        else break;
    }
    if (*p == '*') {
        s.width = va_arg(ap, int);
        if (s.width < 0) {
            s.left = true;
            s.width = -s.width;
        }
        ++p;
    }
    for (; *p >= '0' && *p <= '9'; ++p)
        s.width = s.width * 10 + (*p - '0');
    if (*p == '.') {
        ++p;
        s.precision = 0;
        if (*p == '*') {
            s.precision = va_arg(ap, int);
            ++p;
        }
        for (; *p >= '0' && *p <= '9'; ++p)
            s.precision = s.precision * 10 + (*p - '0');
    }
    for (;; ++p) {
        if (*p == 'h') s.length = s.length == -2 ? -1 : -2;
        else if (*p == 'l') s.length = s.length == 1 ? 2 : 1;
        else if (*p == 'z' || *p == 'j' || *p == 't') s.length = 3;
        else break;
    }
    return p;
}

u64 fetch_unsigned(const Spec& s, va_list& ap) {
    switch (s.length) {
    case -1: return static_cast<unsigned char>(va_arg(ap, unsigned));
    case -2: return static_cast<unsigned short>(va_arg(ap, unsigned));
    case 0: return va_arg(ap, unsigned);
    case 1: return va_arg(ap, unsigned long);
    default: return va_arg(ap, unsigned long long);
    }
}

i64 fetch_signed(const Spec& s, va_list& ap) {
    switch (s.length) {
    case -1: return static_cast<signed char>(va_arg(ap, int));
    case -2: return static_cast<short>(va_arg(ap, int));
    case 0: return va_arg(ap, int);
    case 1: return va_arg(ap, long);
    default: return va_arg(ap, long long);
    }
}

// Emits one integer with sign/prefix, precision zeros and width padding.
void emit_integer(Out& out, const Spec& s, u64 v, bool negative, unsigned base, bool upper,
                  const char* prefix) {
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    if (n == 0 && s.precision != 0)
        digits[n++] = '0';
    int zeros = s.precision > n ? s.precision - n : 0;
    if (base == 8 && s.alt && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
        zeros = 1;
    char sign = negative ? '-' : s.plus ? '+' : s.space ? ' ' : 0;
    int prefix_len = 0;
    while (prefix[prefix_len])
        ++prefix_len;
    int body = n + zeros + (sign ? 1 : 0) + prefix_len;
    int pad = s.width > body ? s.width - body : 0;
    bool zero_pad = s.zero && !s.left && s.precision < 0;
    if (!s.left && !zero_pad)
        out.repeat(' ', pad);
    if (sign)
        out.put(sign);
    for (int i = 0; i < prefix_len; ++i)
        out.put(prefix[i]);
    if (zero_pad)
        out.repeat('0', pad);
    out.repeat('0', zeros);
    while (n)
        out.put(digits[--n]);
    if (s.left)
        out.repeat(' ', pad);
}

void emit_string(Out& out, const Spec& s, const char* str) {
    if (!str)
        str = "(null)";
    int len = 0;
    while (str[len] && (s.precision < 0 || len < s.precision))
        ++len;
    int pad = s.width > len ? s.width - len : 0;
    if (!s.left)
        out.repeat(' ', pad);
    for (int i = 0; i < len; ++i)
        out.put(str[i]);
    if (s.left)
        out.repeat(' ', pad);
}

void emit_conversion(Out& out, Spec& s, char conv, va_list& ap) {
    switch (conv) {
    case 'd':
    case 'i': {
        i64 v = fetch_signed(s, ap);
        u64 mag = v < 0 ? u64{0} - static_cast<u64>(v) : static_cast<u64>(v);
        emit_integer(out, s, mag, v < 0, 10, false, "");
        break;
    }
    case 'u': s.plus = s.space = false; emit_integer(out, s, fetch_unsigned(s, ap), false, 10, false, ""); break;
    case 'o': s.plus = s.space = false; emit_integer(out, s, fetch_unsigned(s, ap), false, 8, false, ""); break;
    case 'x':
    case 'X': {
        s.plus = s.space = false;
        u64 v = fetch_unsigned(s, ap);
        emit_integer(out, s, v, false, 16, conv == 'X', (s.alt && v) ? (conv == 'X' ? "0X" : "0x") : "");
        break;
    }
    case 'p': {
        s.length = 3;
        s.plus = s.space = false;
        uptr v = reinterpret_cast<uptr>(va_arg(ap, void*));
        emit_integer(out, s, v, false, 16, false, "0x");
        break;
    }
    case 's': emit_string(out, s, va_arg(ap, const char*)); break;
    case 'c': {
        char c[2] = {static_cast<char>(va_arg(ap, int)), 0};
        s.precision = 1;
        emit_string(out, s, c);
        if (c[0] == 0)  // emit_string stops at NUL; %c of 0 still produces one char
            out.put(0);
        break;
    }
    default: out.put('%'); out.put(conv); break;
    }
}

struct Buffer {
    char* buf;
    usize size;
    usize pos;
};

void put_buffer(char c, void* ctx) {
    auto* b = static_cast<Buffer*>(ctx);
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    ++b->pos;
}

}  // namespace

usize vformat_to(Put put, void* ctx, const char* fmt, va_list ap) {
    Out out(put, ctx);
    va_list args;
    va_copy(args, ap);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        if (p[1] == '%') {
            out.put('%');
            ++p;
            continue;
        }
        Spec s;
        p = parse_spec(p + 1, s, args);
        if (!*p)
            break;
        emit_conversion(out, s, *p, args);
    }
    va_end(args);
    return out.count();
}

usize vformat(char* buf, usize size, const char* fmt, va_list ap) {
    Buffer b{buf, size, 0};
    usize n = vformat_to(put_buffer, &b, fmt, ap);
    if (size)
        buf[b.pos < size ? b.pos : size - 1] = 0;
    return n;
}

usize format(char* buf, usize size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    usize n = vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

}  // namespace tn::fmt
