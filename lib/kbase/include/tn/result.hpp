/// @file
/// Errors as values: Result<T, E> for a freestanding kernel built without exceptions.
///
/// E is a small per-library `enum class`. A Result is [[nodiscard]], so an ignored
/// error is a compile error under -Werror. TN_TRY(expr) propagates the error of a
/// Result-returning expression and otherwise yields its value (GNU statement
/// expression, supported by GCC and Clang).
#pragma once

#include <new>
#include <type_traits>
#include <utility>

namespace tn {

template <class E>
struct Err {
    E error;
};

/// Builds an error value convertible to any Result<T, E>.
template <class E>
constexpr Err<E> err(E e) { return Err<E>{e}; }

template <class T, class E>
class [[nodiscard]] Result {
public:
    using Value = T;
    using Error = E;

    constexpr Result(T value) : m_ok(true) { new (&m_value) T(std::move(value)); }
    constexpr Result(Err<E> e) : m_ok(false), m_error(e.error) {}
    Result(const Result& o) : m_ok(o.m_ok) { copy_from(o); }
    Result& operator=(const Result& o) {
        if (this != &o) {
            destroy();
            m_ok = o.m_ok;
            copy_from(o);
        }
        return *this;
    }
    ~Result() { destroy(); }

    constexpr bool ok() const { return m_ok; }
    constexpr explicit operator bool() const { return m_ok; }
    /// @pre ok()
    T& value() { return m_value; }
    const T& value() const { return m_value; }
    /// @pre !ok()
    constexpr E error() const { return m_error; }
    T value_or(T fallback) const { return m_ok ? m_value : fallback; }
    /// Moves the value out (used by TN_TRY). @pre ok()
    T&& take() { return std::move(m_value); }

private:
    void copy_from(const Result& o) {
        if (o.m_ok)
            new (&m_value) T(o.m_value);
        else
            m_error = o.m_error;
    }
    void destroy() {
        if (m_ok)
            m_value.~T();
    }

    bool m_ok;
    union {
        T m_value;
        E m_error;
    };
};

template <class E>
class [[nodiscard]] Result<void, E> {
public:
    using Value = void;
    using Error = E;

    constexpr Result() : m_ok(true), m_error() {}
    constexpr Result(Err<E> e) : m_ok(false), m_error(e.error) {}

    constexpr bool ok() const { return m_ok; }
    constexpr explicit operator bool() const { return m_ok; }
    constexpr E error() const { return m_error; }
    constexpr void value() const {}
    constexpr void take() const {}

private:
    bool m_ok;
    E m_error;
};

}  // namespace tn

/// Evaluates a Result; on error returns tn::err(error) from the enclosing function,
/// otherwise the expression's value is the Result's value.
#define TN_TRY(expr)                                   \
    ({                                                 \
        auto _tn_try_r = (expr);                       \
        if (!_tn_try_r.ok())                           \
            return ::tn::err(_tn_try_r.error());       \
        _tn_try_r.take();                              \
    })
