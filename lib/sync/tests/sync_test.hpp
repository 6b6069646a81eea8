// Shared helpers of lib/sync's host tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include <tn/sync.hpp>

#include "fake_sched.hpp"

namespace sync_test {

// What every test file drives the fake scheduler with, and the thread type.
using fake::blocked;
using fake::done;
using fake::expire;
using fake::hand_back;
using fake::start;
using fake::step;
using tn::sched::Thread;

/// Timeout (fake scheduler time units) the tests give blocking calls.
constexpr tn::u64 k_timeout = 1000;

/// "ok" or the error's name, so failures print readably.
template <class R>
std::string st(const R& r) {
    return r.ok() ? "ok" : tn::sched::error_name(r.error());
}

/// Every test starts and ends with a clean fake scheduler; ending with a
/// thread still blocked or paused fails the test.
class SyncTest : public ::testing::Test {
protected:
    void SetUp() override { fake::reset(); }
    void TearDown() override { fake::reset(); }
};

}  // namespace sync_test
