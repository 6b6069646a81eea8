/// @file
/// @brief TN_ASSERT: run-time checks of kernel invariants, compiled out with CONFIG_TN_ASSERT off.
///
/// An assertion states something the code relies on and that no caller input can
/// make false: a thread on a run queue is ready, a lock is held, a guest in state
/// Running has a vCPU. A false one is a kernel bug. Bad input from an application
/// or a guest is an error value (Result, a hypercall status), never an assertion.
///
/// With CONFIG_TN_ASSERT (Kconfig "Run-time assertions", on by default; the
/// benchmark builds turn it off) a false condition calls tn_assert_failed(),
/// which prints the condition, file and line and powers the system off with
/// status 134 like any fatal exception. With it off the condition is not
/// evaluated, but it is still compiled, so it cannot rot.
#pragma once

extern "C" {
/// Reports a failed TN_ASSERT(@p expr) at @p file : @p line and stops the
/// system (on the host, aborts the test process). Any context; never returns.
[[noreturn]] void tn_assert_failed(const char* expr, const char* file, int line);
}

#ifdef CONFIG_TN_ASSERT
/// Stops the system with a report when @p cond is false (see the file comment).
#define TN_ASSERT(cond) (__builtin_expect(!!(cond), 1) ? (void)0 : tn_assert_failed(#cond, __FILE__, __LINE__))
#else
/// Compiled but not evaluated: CONFIG_TN_ASSERT is off (see the file comment).
#define TN_ASSERT(cond) ((void)sizeof(!(cond)))
#endif
