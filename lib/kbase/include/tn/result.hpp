/// @file
/// @brief Errors as values: Result<T, E> for a freestanding kernel built without exceptions.
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

/// An error value on its way into a Result (made by err()).
template <class E>
struct Err {
    E error;  ///< The error.
};

/// Builds an error value convertible to any Result<T, E>.
template <class E>
constexpr Err<E> err(E e) { return Err<E>{e}; }

/// Either a value of type @p T or an error of type @p E (a small enum class).
/// [[nodiscard]]: ignoring a returned Result is a compile error under
/// -Werror; cast to void to ignore one on purpose.
///
/// @code{.cpp}
/// auto r = tn::sched::create(attr, entry, nullptr);
/// if (!r.ok())
///     tn_printf("%s\n", tn::sched::error_name(r.error()));
/// @endcode
template <class T, class E>
class [[nodiscard]] Result {
public:
    using Value = T;  ///< The value type.
    using Error = E;  ///< The error type.

    /// A success holding @p value.
    constexpr Result(T value) : m_ok(true) { new (&m_value) T(std::move(value)); }
    /// A failure holding @p e's error (return tn::err(E::...)).
    constexpr Result(Err<E> e) : m_ok(false), m_error(e.error) {}
    /// Copies the value or the error.
    Result(const Result& o) : m_ok(o.m_ok) { copy_from(o); }
    /// Copies the value or the error.
    Result& operator=(const Result& o) {
        if (this != &o) {
            destroy();
            m_ok = o.m_ok;
            copy_from(o);
        }
        return *this;
    }
    ~Result() { destroy(); }

    /// True for a success.
    constexpr bool ok() const { return m_ok; }
    /// ok().
    constexpr explicit operator bool() const { return m_ok; }
    /// The value. @pre ok()
    T& value() { return m_value; }
    /// The value. @pre ok()
    const T& value() const { return m_value; }
    /// The error. @pre !ok()
    constexpr E error() const { return m_error; }
    /// The value, or @p fallback for a failure.
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

/// A success without a value, or an error of type @p E.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    using Value = void;  ///< No value.
    using Error = E;     ///< The error type.

    /// A success (`return {};`).
    constexpr Result() : m_ok(true), m_error() {}
    /// A failure holding @p e's error (return tn::err(E::...)).
    constexpr Result(Err<E> e) : m_ok(false), m_error(e.error) {}

    /// True for a success.
    constexpr bool ok() const { return m_ok; }
    /// ok().
    constexpr explicit operator bool() const { return m_ok; }
    /// The error. @pre !ok()
    constexpr E error() const { return m_error; }
    /// Nothing (for generic code).
    constexpr void value() const {}
    /// Nothing (used by TN_TRY).
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
