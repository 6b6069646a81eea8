// Host tests of the TLSF heap: behaviour, error paths, randomized sequences
// against a reference model, and the bounded-worst-case claim (step counter).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <random>
#include <vector>

#include <tn/mem/tlsf.hpp>

namespace {

using namespace tn;
using namespace tn::mem;

class Buffer {
public:
    explicit Buffer(usize bytes) : m_ptr(static_cast<u8*>(std::aligned_alloc(4096, align_up(bytes, 4096)))), m_bytes(bytes) {
        std::memset(m_ptr, 0, bytes);
    }
    ~Buffer() { std::free(m_ptr); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    u8* data() const { return m_ptr; }
    usize size() const { return m_bytes; }

private:
    u8* m_ptr;
    usize m_bytes;
};

void* alloc_ok(Tlsf& h, usize size, usize align = Tlsf::k_align) {
    auto r = h.alloc(size, align);
    EXPECT_TRUE(r.ok()) << size << " " << (r.ok() ? "" : to_string(r.error()));
    return r.ok() ? r.value() : nullptr;
}

// Every byte of a pool is a header or a payload.
void expect_accounting(const Tlsf& h) {
    Tlsf::Stats s = h.stats();
    EXPECT_EQ(s.used_bytes + s.free_bytes + Tlsf::k_header_bytes * (s.used_blocks + s.free_blocks + h.pool_count()),
              s.pool_bytes);
}

TEST(Tlsf, EmptyHeapFails) {
    Tlsf h;
    EXPECT_EQ(h.alloc(16).error(), Error::OutOfMemory);
    int x = 0;
    EXPECT_EQ(h.free(&x).error(), Error::NotOwned);
}

TEST(Tlsf, AllocFreeRestoresPool) {
    Buffer buf(64 * KiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    Tlsf::Stats fresh = h.stats();
    EXPECT_EQ(fresh.free_blocks, 1u);
    EXPECT_EQ(fresh.largest_free, 64 * KiB - 2 * Tlsf::k_header_bytes);
    void* p = alloc_ok(h, 100);
    EXPECT_TRUE(is_aligned(reinterpret_cast<uptr>(p), 16));
    EXPECT_EQ(h.usable_size(p).value(), 112u);
    EXPECT_EQ(h.stats().used_bytes, 112u);
    expect_accounting(h);
    ASSERT_TRUE(h.free(p).ok());
    EXPECT_EQ(h.stats().largest_free, fresh.largest_free);
    EXPECT_EQ(h.stats().free_blocks, 1u);
}

TEST(Tlsf, InternalFragmentationIsBounded) {
    Buffer buf(4 * MiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    for (usize size = 1; size < 70000; size = size < 600 ? size + 1 : size * 17 / 16) {
        void* p = alloc_ok(h, size);
        usize usable = h.usable_size(p).value();
        EXPECT_GE(usable, size);
        // Trimming leaves at most one too-small-to-split tail of < 32 bytes.
        EXPECT_LT(usable, align_up(size, 16) + 32) << size;
        ASSERT_TRUE(h.free(p).ok());
    }
}

TEST(Tlsf, OverAlignedAllocations) {
    Buffer buf(1 * MiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data() + 16, buf.size() - 16).ok());  // pool not page aligned
    std::vector<void*> ptrs;
    for (usize align = 1; align <= Tlsf::k_max_align; align <<= 1) {
        for (usize size : {1u, 24u, 100u, 4096u}) {
            void* p = alloc_ok(h, size, align);
            EXPECT_TRUE(is_aligned(reinterpret_cast<uptr>(p), align)) << align;
            ptrs.push_back(p);
            expect_accounting(h);
        }
    }
    EXPECT_EQ(h.alloc(16, 8192).error(), Error::InvalidArgument);
    EXPECT_EQ(h.alloc(16, 48).error(), Error::InvalidArgument);
    for (void* p : ptrs)
        ASSERT_TRUE(h.free(p).ok());
    EXPECT_EQ(h.stats().free_blocks, 1u);
}

TEST(Tlsf, ExhaustionReturnsErrorAndRecovers) {
    Buffer buf(64 * KiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    usize largest = h.stats().largest_free;
    std::vector<void*> ptrs;
    for (;;) {
        auto r = h.alloc(48);
        if (!r) {
            EXPECT_EQ(r.error(), Error::OutOfMemory);
            break;
        }
        ptrs.push_back(r.value());
    }
    EXPECT_EQ(ptrs.size(), (64 * KiB - 32) / 64);  // 64 bytes per block with its header
    EXPECT_EQ(h.stats().free_bytes, 32u);           // a 32-byte tail is left over
    void* tail = alloc_ok(h, 1);
    EXPECT_EQ(h.stats().free_bytes, 0u);
    EXPECT_EQ(h.alloc(1).error(), Error::OutOfMemory);
    ASSERT_TRUE(h.free(tail).ok());
    ASSERT_TRUE(h.free(ptrs[5]).ok());
    EXPECT_EQ(h.alloc(48).value(), ptrs[5]);
    // Free every other block (odd indices; the last, even one keeps the 32-byte
    // tail apart): half the heap is free, yet nothing above 48 bytes fits.
    for (usize i = 1; i < ptrs.size(); i += 2)
        ASSERT_TRUE(h.free(ptrs[i]).ok());
    EXPECT_EQ(h.stats().largest_free, 48u);
    EXPECT_EQ(h.alloc(64).error(), Error::OutOfMemory);
    for (usize i = 0; i < ptrs.size(); i += 2)
        ASSERT_TRUE(h.free(ptrs[i]).ok());
    EXPECT_EQ(h.stats().largest_free, largest);  // coalesced back into one block
    EXPECT_EQ(h.alloc(0).error(), Error::InvalidArgument);
    EXPECT_EQ(h.alloc(usize{1} << 40).error(), Error::InvalidArgument);
}

TEST(Tlsf, BadFreesAreErrorsAndChangeNothing) {
    Buffer buf(64 * KiB), other(4 * KiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    auto* a = static_cast<u8*>(alloc_ok(h, 64));
    auto* b = static_cast<u8*>(alloc_ok(h, 64));
    auto* c = static_cast<u8*>(alloc_ok(h, 64));
    auto* d = static_cast<u8*>(alloc_ok(h, 64));
    std::memset(a, 0, 64);
    Tlsf::Stats before = h.stats();
    EXPECT_EQ(h.free(nullptr).error(), Error::NotOwned);
    EXPECT_EQ(h.free(other.data() + 16).error(), Error::NotOwned);
    EXPECT_EQ(h.free(a + 8).error(), Error::BadPointer);   // misaligned
    EXPECT_EQ(h.free(a + 16).error(), Error::BadPointer);  // interior
    EXPECT_EQ(h.free(buf.data()).error(), Error::BadPointer);  // the first header
    EXPECT_EQ(h.free(buf.data() + buf.size() - 16).error(), Error::BadPointer);  // sentinel
    EXPECT_EQ(h.realloc(a + 16, 10).error(), Error::BadPointer);
    EXPECT_EQ(h.usable_size(a + 32).error(), Error::BadPointer);
    EXPECT_EQ(h.stats().used_bytes, before.used_bytes);
    EXPECT_EQ(h.stats().free_bytes, before.free_bytes);

    ASSERT_TRUE(h.free(b).ok());
    EXPECT_EQ(h.free(b).error(), Error::DoubleFree);
    ASSERT_TRUE(h.free(c).ok());  // merges into b
    EXPECT_EQ(h.free(c).error(), Error::DoubleFree);
    EXPECT_EQ(h.free(b).error(), Error::DoubleFree);
    ASSERT_TRUE(h.free(a).ok());  // absorbs the free b+c
    EXPECT_EQ(h.free(b).error(), Error::DoubleFree);
    EXPECT_EQ(h.free(a).error(), Error::DoubleFree);
    ASSERT_TRUE(h.free(d).ok());
    EXPECT_EQ(h.stats().free_blocks, 1u);
    expect_accounting(h);
}

TEST(Tlsf, ReallocInPlaceAndMoving) {
    Buffer buf(64 * KiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    auto* a = static_cast<u8*>(alloc_ok(h, 64));
    auto* b = static_cast<u8*>(alloc_ok(h, 256));
    auto* c = static_cast<u8*>(alloc_ok(h, 64));
    for (int i = 0; i < 64; ++i)
        a[i] = static_cast<u8>(i);
    ASSERT_TRUE(h.free(b).ok());
    EXPECT_EQ(h.realloc(a, 200).value(), a);  // grows into the free b
    EXPECT_EQ(h.realloc(a, 32).value(), a);   // shrinks, tail merges with the rest of b
    auto moved = h.realloc(a, 4000);          // b's space is too small now: moves
    ASSERT_TRUE(moved.ok());
    auto* m = static_cast<u8*>(moved.value());
    EXPECT_NE(m, a);
    for (int i = 0; i < 32; ++i)
        ASSERT_EQ(m[i], i);
    EXPECT_EQ(h.free(a).error(), Error::DoubleFree);  // the old block was released
    EXPECT_EQ(h.realloc(m, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(h.realloc(m, 1 * MiB).error(), Error::OutOfMemory);
    EXPECT_EQ(m[31], 31);  // untouched by the failed calls
    void* fresh = h.realloc(nullptr, 10).value();
    EXPECT_TRUE(h.free(fresh).ok());
    ASSERT_TRUE(h.free(m).ok());
    ASSERT_TRUE(h.free(c).ok());
    EXPECT_EQ(h.stats().free_blocks, 1u);
    expect_accounting(h);
}

TEST(Tlsf, MultiplePools) {
    if (Tlsf::k_max_pools < 2)
        GTEST_SKIP() << "needs CONFIG_LIBMEMORY_TLSF_MAX_POOLS >= 2";
    Buffer b1(16 * KiB), b2(16 * KiB), b3((Tlsf::k_max_pools + 1) * 128);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(b1.data(), b1.size()).ok());
    ASSERT_TRUE(h.add_pool(b2.data(), b2.size()).ok());
    EXPECT_EQ(h.add_pool(b1.data() + 4096, 4096).error(), Error::Overlap);
    EXPECT_EQ(h.add_pool(b3.data(), Tlsf::k_min_pool_bytes - 1).error(), Error::InvalidArgument);
    EXPECT_EQ(h.add_pool(nullptr, 4096).error(), Error::InvalidArgument);
    void* p = alloc_ok(h, 12 * KiB);
    void* q = alloc_ok(h, 12 * KiB);
    auto in = [](void* x, const Buffer& b) { return x >= b.data() && x < b.data() + b.size(); };
    EXPECT_TRUE((in(p, b1) && in(q, b2)) || (in(p, b2) && in(q, b1)));
    ASSERT_TRUE(h.free(p).ok());
    ASSERT_TRUE(h.free(q).ok());
    // Pools never merge: 32 KiB are free but no 20 KiB block exists.
    EXPECT_EQ(h.alloc(20 * KiB).error(), Error::OutOfMemory);
    for (usize i = h.pool_count(); i < Tlsf::k_max_pools; ++i)
        ASSERT_TRUE(h.add_pool(b3.data() + (i - 2) * 128, 128).ok());
    EXPECT_EQ(h.add_pool(b3.data() + (Tlsf::k_max_pools - 1) * 128, 128).error(), Error::TableFull);
    expect_accounting(h);
}

// A static heap needs no constructor code.
constinit Tlsf g_static_heap;

TEST(Tlsf, StaticInstanceIsConstantInitialized) {
    EXPECT_EQ(g_static_heap.pool_count(), 0u);
    EXPECT_EQ(g_static_heap.alloc(16).error(), Error::OutOfMemory);
}

// Randomized alloc/realloc/free against a model of live allocations.
struct Live {
    usize size;  // bytes filled with the pattern
    u8 tag;
};

class TlsfRandom : public ::testing::TestWithParam<u32> {};

usize random_size(std::mt19937_64& rng) {
    switch (rng() % 10) {
    case 0: return 1 + rng() % 65536;
    case 1:
    case 2: return 1 + rng() % 4096;
    default: return 1 + rng() % 256;
    }
}

usize random_align(std::mt19937_64& rng) { return rng() % 4 ? 16 : usize{1} << (rng() % 13); }

TEST_P(TlsfRandom, MatchesReferenceModel) {
    if (Tlsf::k_max_pools < 2)
        GTEST_SKIP() << "needs CONFIG_LIBMEMORY_TLSF_MAX_POOLS >= 2";
    std::mt19937_64 rng(GetParam());
    Buffer b1(512 * KiB), b2(96 * KiB);
    Tlsf h;
    ASSERT_TRUE(h.add_pool(b1.data() + 8, b1.size() - 8).ok());
    ASSERT_TRUE(h.add_pool(b2.data(), b2.size() - 5).ok());
    const usize largest = h.stats().largest_free;
    std::map<uptr, Live> live;
    u64 ooms = 0;
    auto owned = [&](uptr p, usize n) {
        auto in = [&](const Buffer& b) { return p >= uptr(b.data()) && p + n <= uptr(b.data()) + b.size(); };
        return in(b1) || in(b2);
    };
    auto admit = [&](void* ptr, usize size, usize align, u8 tag) {
        uptr p = reinterpret_cast<uptr>(ptr);
        usize usable = h.usable_size(ptr).value();
        ASSERT_GE(usable, size);
        ASSERT_TRUE(is_aligned(p, align < 16 ? 16 : align));
        ASSERT_TRUE(owned(p, usable));
        auto next = live.lower_bound(p);
        ASSERT_TRUE(next == live.end() || next->first >= p + usable);
        if (next != live.begin()) {
            uptr prev = std::prev(next)->first;
            ASSERT_LE(prev + h.usable_size(reinterpret_cast<void*>(prev)).value(), p);
        }
        std::memset(ptr, tag, size);
        live[p] = Live{size, tag};
    };
    auto intact = [](uptr p, const Live& l, usize n) {
        for (usize i = 0; i < n; ++i)
            if (reinterpret_cast<const u8*>(p)[i] != l.tag)
                return false;
        return true;
    };
    for (int step = 0; step < 30000; ++step) {
        unsigned op = live.empty() ? 0 : rng() % 100;
        if (op < 50) {
            usize size = random_size(rng), align = random_align(rng);
            auto r = h.alloc(size, align);
            if (!r) {
                ASSERT_EQ(r.error(), Error::OutOfMemory);
                ++ooms;
                continue;
            }
            admit(r.value(), size, align, static_cast<u8>(step));
        } else {
            auto it = live.begin();
            std::advance(it, static_cast<long>(rng() % live.size()));
            uptr p = it->first;
            Live l = it->second;
            if (op < 60) {
                usize size = random_size(rng);
                auto r = h.realloc(reinterpret_cast<void*>(p), size);
                if (!r) {
                    ASSERT_EQ(r.error(), Error::OutOfMemory);
                    ASSERT_TRUE(intact(p, l, l.size));
                    continue;
                }
                live.erase(it);
                ASSERT_TRUE(intact(reinterpret_cast<uptr>(r.value()), l, l.size < size ? l.size : size));
                admit(r.value(), size, 16, static_cast<u8>(step));
            } else {
                ASSERT_TRUE(intact(p, l, l.size));
                ASSERT_TRUE(h.free(reinterpret_cast<void*>(p)).ok());
                live.erase(it);
            }
        }
        ASSERT_EQ(h.stats().used_blocks, live.size());
        if (step % 64 == 0)
            expect_accounting(h);
    }
    EXPECT_GT(ooms, 0u) << "the sequence should reach exhaustion at least once";
    for (auto& [p, l] : live) {
        ASSERT_TRUE(intact(p, l, l.size));
        ASSERT_TRUE(h.free(reinterpret_cast<void*>(p)).ok());
    }
    EXPECT_EQ(h.stats().used_bytes, 0u);
    EXPECT_EQ(h.stats().free_blocks, 2u);  // one per pool: fully coalesced
    EXPECT_EQ(h.stats().largest_free, largest);
    expect_accounting(h);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TlsfRandom, ::testing::Values(1u, 7u, 99u, 0xBEEFu, 20240611u));

// Bounded worst case: the steps (bitmap searches, list insertions/removals,
// splits, merges, pool comparisons) of one call never exceed a constant, with
// 16 or 50000 live blocks alike. Derivation, for one pool:
//   alloc: search 1 + removal 1 + (alignment split 1 + insertion 1)
//          + tail split 1 + insertion 1                               = 6
//   free:  pool lookup 1 + 2 merges * (merge 1 + removal 1) + insertion 1 = 6
//   realloc that moves: pool lookup 1 + unaligned alloc 4 + free without lookup 5 = 10
struct StepMax {
    u64 alloc = 0;
    u64 free = 0;
    u64 realloc = 0;
};

StepMax measure(usize live_target, u32 seed) {
    Buffer buf(32 * MiB);
    Tlsf h;
    EXPECT_TRUE(h.add_pool(buf.data(), buf.size()).ok());
    std::mt19937_64 rng(seed);
    std::vector<void*> live;
    StepMax max;
    auto one = [&](bool measure_it) {
        bool grow = live.size() < live_target ? rng() % 4 != 0 : rng() % 4 == 0;
        if (grow || live.empty()) {
            usize size = 1 + rng() % (rng() % 8 ? 200 : 2000);
            u64 before = h.step_count();
            auto r = h.alloc(size, random_align(rng));
            if (measure_it)
                max.alloc = std::max(max.alloc, h.step_count() - before);
            if (r)
                live.push_back(r.value());
        } else if (rng() % 8 == 0) {
            usize i = rng() % live.size();
            u64 before = h.step_count();
            auto r = h.realloc(live[i], 1 + rng() % 400);
            if (measure_it)
                max.realloc = std::max(max.realloc, h.step_count() - before);
            if (r)
                live[i] = r.value();
        } else {
            usize i = rng() % live.size();
            u64 before = h.step_count();
            EXPECT_TRUE(h.free(live[i]).ok());
            if (measure_it)
                max.free = std::max(max.free, h.step_count() - before);
            live[i] = live.back();
            live.pop_back();
        }
    };
    while (live.size() < live_target)
        one(false);
    for (int i = 0; i < 20000; ++i)
        one(true);
    return max;
}

TEST(TlsfBound, StepsPerCallDoNotDependOnLiveBlocks) {
    for (usize live_target : {16u, 1000u, 50000u}) {
        StepMax m = measure(live_target, 42);
        EXPECT_LE(m.alloc, 6u) << live_target;
        EXPECT_LE(m.free, 6u) << live_target;
        // The bound is tight: random traffic reaches it.
        EXPECT_EQ(m.alloc, 6u) << live_target;
        EXPECT_EQ(m.free, 6u) << live_target;
        EXPECT_LE(m.realloc, 10u) << live_target;
        std::printf("[ info     ] %zu live blocks: max steps alloc %llu, free %llu, realloc %llu\n", live_target,
                    static_cast<unsigned long long>(m.alloc), static_cast<unsigned long long>(m.free),
                    static_cast<unsigned long long>(m.realloc));
    }
}

}  // namespace
