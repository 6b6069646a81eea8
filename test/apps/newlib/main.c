/*
 * newlib on Tenon (test/qemu/newlib*.test): printf and scanf of integers and
 * doubles, libm, malloc from four threads at once, errno per thread, the
 * syscalls that must fail with an errno, time, and the ways out (return,
 * exit with atexit and unflushed output, abort, stdin), chosen by the first
 * line typed on the console.
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <tn/sched.h>
#include <tn/sync.h>

static int g_failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("newlib: FAILED line %d: %s\n", __LINE__, #cond);         \
            ++g_failures;                                                    \
        }                                                                    \
    } while (0)

static void check_formatting(void) {
    char buf[128];
    snprintf(buf, sizeof buf, "%d %ld %lld %u %x %zu %5.2f %e %g", -42, 1234567890L, -9000000000LL, 42u, 0xbeefu,
             (size_t)7, 3.14159, 12345.678, 0.0001);
    CHECK(strcmp(buf, "-42 1234567890 -9000000000 42 beef 7  3.14 1.234568e+04 0.0001") == 0);
    printf("newlib: printf %s\n", buf);
    printf("newlib: double %.6f sqrt2 %.10f pi %.3f\n", 2.5, sqrt(2.0), 4 * atan(1.0));

    int i = 0;
    double d = 0;
    char word[16];
    long long ll = 0;
    CHECK(sscanf("123 -4.5e2 tenon 9876543210", "%d %lf %15s %lld", &i, &d, word, &ll) == 4);
    CHECK(i == 123 && d == -450.0 && strcmp(word, "tenon") == 0 && ll == 9876543210LL);
    CHECK(strtod("1e-3", NULL) == 0.001);
    CHECK(fabs(sin(M_PI / 6) - 0.5) < 1e-12 && pow(2.0, 10) == 1024.0);
    printf("newlib: scanf %d %.1f %s %lld\n", i, d, word, ll);
}

static volatile int g_signalled;
static void on_signal(int sig) { g_signalled = sig; }

static void check_syscalls(void) {
    /* kill() to the program runs a handler, or ignores, as raise() does. */
    CHECK(signal(SIGUSR1, on_signal) != SIG_ERR);
    CHECK(kill(getpid(), SIGUSR1) == 0 && g_signalled == SIGUSR1);
    CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(raise(SIGUSR2) == 0);
    errno = 0;
    CHECK(kill(42, SIGUSR1) == -1 && errno == ESRCH);
    CHECK(kill(getpid(), 0) == 0);
    errno = 0;
    CHECK(fopen("/etc/passwd", "r") == NULL && errno == ENOSYS);
    struct stat st;
    CHECK(fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(isatty(1) == 1 && isatty(0) == 1);
    errno = 0;
    CHECK(isatty(7) == 0 && errno == EBADF);
    errno = 0;
    CHECK(write(9, "x", 1) == -1 && errno == EBADF);
    errno = 0;
    CHECK(lseek(1, 0, SEEK_SET) == -1 && errno == ESPIPE);
    errno = 0;
    CHECK(unlink("/x") == -1 && errno == ENOSYS);
    CHECK(getpid() == 1);
    errno = 0;
    CHECK(sbrk(4096) == (void*)-1 && errno == ENOMEM);
    CHECK(write(1, "newlib: write(1) works\n", 23) == 23);
    flockfile(stdout);
    CHECK(ftrylockfile(stdout) == 0);  /* recursive: the owner takes it again */
    funlockfile(stdout);
    printf("newlib: printf inside flockfile\n");
    funlockfile(stdout);
    CHECK(getenv("HOME") == NULL);
    CHECK(setenv("TENON", "yes", 1) == 0 && strcmp(getenv("TENON"), "yes") == 0);
}

static void check_time(void) {
    struct timespec a, b, res;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    struct timespec req = {0, 20 * 1000 * 1000};
    CHECK(nanosleep(&req, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    int64_t slept = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
    CHECK(slept >= 20 * 1000 * 1000);
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
    errno = 0;
    CHECK(clock_gettime((clockid_t)42, &a) == -1 && errno == EINVAL);
    errno = 0;
    struct timespec bad = {0, 1000000000};
    CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
    CHECK(clock_settime(CLOCK_MONOTONIC, &a) == -1 && errno == EINVAL);
    /* Set the wall clock to 2026-01-01 and read it back through time(). */
    struct timespec wall = {1767225600, 0};
    CHECK(clock_settime(CLOCK_REALTIME, &wall) == 0);
    time_t now = time(NULL);
    CHECK(now >= 1767225600 && now < 1767225600 + 5);
    struct tm tm;
    gmtime_r(&now, &tm);
    CHECK(tm.tm_year == 126 && tm.tm_mon == 0 && tm.tm_mday == 1);
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= 1767225600);
    /* clock_nanosleep with an absolute monotonic deadline. */
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    a.tv_nsec += 10 * 1000 * 1000;
    if (a.tv_nsec >= 1000000000) {
        a.tv_nsec -= 1000000000;
        ++a.tv_sec;
    }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL) == EINVAL);
    CHECK(clock() != (clock_t)-1);
    printf("newlib: time %lld (2026-01-01 set)\n", (long long)now);
}

/* Four threads on (up to) four CPUs allocate, fill, check and free blocks
 * of varying sizes, and each checks that its errno is its own. */
#define WORKERS 4
#define ROUNDS 3000

static tn_sem_t g_done;
static int g_worker_errors[WORKERS];
static int g_worker_errno_ok[WORKERS];

static void worker(void* arg) {
    int id = (int)(uintptr_t)arg;
    unsigned seed = 12345u + (unsigned)id;
    void* keep[16] = {0};
    size_t kept[16] = {0};
    errno = 100 + id;
    for (int r = 0; r < ROUNDS; ++r) {
        seed = seed * 1103515245u + 12345u;
        size_t size = 1 + (seed >> 8) % 2048;
        int slot = (int)((seed >> 4) % 16);
        if (keep[slot]) {
            unsigned char* p = keep[slot];
            if (malloc_usable_size(p) < kept[slot])
                ++g_worker_errors[id];
            for (size_t k = 0; k < kept[slot]; k += 61)
                if (p[k] != (unsigned char)(slot + id * 16))
                    ++g_worker_errors[id];
            free(p);
        }
        unsigned char* p = (r % 3 == 0) ? calloc(1, size) : malloc(size);
        if (!p) {
            ++g_worker_errors[id];
            continue;
        }
        memset(p, slot + id * 16, size);
        keep[slot] = p;
        kept[slot] = size;
        if (r % 500 == 0)
            tn_thread_yield();
    }
    for (int s = 0; s < 16; ++s)
        free(keep[s]);
    char line[64];
    snprintf(line, sizeof line, "worker %d %f", id, id * 0.5);
    g_worker_errno_ok[id] = errno == 100 + id;
    tn_sem_give(&g_done);
}

static void check_threads(void) {
    tn_sem_init(&g_done, 0, WORKERS);
    errno = 7;
    tn_thread_t* t[WORKERS];
    for (int i = 0; i < WORKERS; ++i) {
        tn_thread_attr_t attr = {"malloc", 10, 16384, (unsigned)i % 2};
        if (tn_thread_create(&t[i], &attr, worker, (void*)(uintptr_t)i) != 0) {
            attr.cpu = 0;
            CHECK(tn_thread_create(&t[i], &attr, worker, (void*)(uintptr_t)i) == 0);
        }
    }
    for (int i = 0; i < WORKERS; ++i)
        CHECK(tn_sem_take(&g_done, TN_FOREVER) == 0);
    for (int i = 0; i < WORKERS; ++i) {
        CHECK(tn_thread_join(t[i], TN_FOREVER, NULL) == 0);
        CHECK(g_worker_errors[i] == 0);
        CHECK(g_worker_errno_ok[i]);
    }
    CHECK(errno == 7);
    struct mallinfo mi = mallinfo();
    printf("newlib: %d threads x %d malloc/free: heap %zu bytes in use after, errno per thread\n", WORKERS, ROUNDS,
           (size_t)mi.uordblks);
}

/* Sizes the compiler cannot see (it rejects constant impossible ones). */
static volatile size_t g_huge = (size_t)-1 / 2;

static void check_malloc_limits(void) {
    errno = 0;
    CHECK(malloc(g_huge) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(g_huge, 4) == NULL && errno == ENOMEM);
    void* p = NULL;
    CHECK(posix_memalign(&p, 256, 100) == 0 && ((uintptr_t)p & 255) == 0);
    free(p);
    CHECK(posix_memalign(&p, 3, 100) == EINVAL);
    char* q = realloc(NULL, 10);
    CHECK(q != NULL);
    strcpy(q, "tenon");
    q = realloc(q, 5000);
    CHECK(q != NULL && strcmp(q, "tenon") == 0);
    free(q);
    /* A block of 1 MiB, more than one growth step at the default. */
    char* big = malloc(3 << 20);
    CHECK(big != NULL);
    if (big) {
        memset(big, 1, 3 << 20);
        free(big);
    }
    /* 6 MiB in 64 KiB blocks: the heap must keep growing (it doubles). */
    enum { CHUNKS = 96 };
    static char* chunk[CHUNKS];
    int got = 0;
    for (int i = 0; i < CHUNKS; ++i) {
        chunk[i] = malloc(64 << 10);
        if (chunk[i]) {
            chunk[i][0] = (char)i;
            chunk[i][(64 << 10) - 1] = (char)i;
            ++got;
        }
    }
    CHECK(got == CHUNKS);
    for (int i = 0; i < CHUNKS; ++i) {
        if (chunk[i])
            CHECK(chunk[i][0] == (char)i && chunk[i][(64 << 10) - 1] == (char)i);
        free(chunk[i]);
    }
}

static void at_exit_handler(void) { printf("newlib: atexit handler ran\n"); }

static int interactive(void) {
    char line[80];
    int lines = 0;
    printf("newlib: type a line\n");
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (strcmp(line, "quit") == 0)
            break;
        int a;
        double b;
        if (sscanf(line, "%d %lf", &a, &b) == 2)
            printf("newlib: read %d and %.3f, sum %.3f\n", a, b, a + b);
        else
            printf("newlib: read '%s'\n", line);
        ++lines;
    }
    int n = 0;
    printf("newlib: scanf a number\n");
    if (scanf("%d", &n) == 1)
        printf("newlib: scanf read %d\n", n);
    printf("newlib: %d lines read\n", lines);
    return 0;
}

/* The first console line picks the way through (one image for every
 * newlib*.test): checks, exit, abort or stdin. */
int main(void) {
    char mode[16] = "";
    printf("newlib: mode?\n");
    if (!fgets(mode, sizeof mode, stdin))
        return 2;
    mode[strcspn(mode, "\n")] = 0;
    printf("newlib: start (%s)\n", mode);
    if (strcmp(mode, "exit") == 0) {
        atexit(at_exit_handler);
        printf("newlib: exiting with 5, this line has no newline yet...");
        exit(5);
    }
    if (strcmp(mode, "abort") == 0) {
        printf("newlib: calling abort\n");
        abort();
    }
    if (strcmp(mode, "stdin") == 0)
        return interactive();
    if (strcmp(mode, "checks") != 0) {
        printf("newlib: FAILED: unknown mode '%s'\n", mode);
        return 2;
    }
    atexit(at_exit_handler);
    check_formatting();
    check_syscalls();
    check_time();
    check_malloc_limits();
    check_threads();
    if (g_failures == 0)
        printf("newlib: all checks passed\n");
    return g_failures ? 1 : 0;
}
