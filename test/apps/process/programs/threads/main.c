/* Threads inside a process: argv[1] picks the scenario.
 *   (none)  mutex, condition variable, join values, detach, keys, errno and
 *           stdio per thread, a priority above its own refused
 *   fault   a second thread faults: the whole process is killed
 *   exit    a second thread calls exit(5) while the main thread waits
 *   spin    three threads spin at EL0 until the process is killed */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static long counter;
static int queue[8], head, tail;
static pthread_key_t key;
static int failures;

static void check(int ok, const char *what) {
    if (!ok) {
        printf("threads: %s: WRONG\n", what);
        ++failures;
    }
}

static void *adder(void *arg) {
    long id = (long)arg;
    errno = (int)(100 + id);
    pthread_setspecific(key, (void *)(id + 1));
    for (int i = 0; i < ROUNDS; ++i) {
        pthread_mutex_lock(&lock);
        ++counter;
        pthread_mutex_unlock(&lock);
        if (i % 5000 == 0)
            sched_yield();
    }
    check(errno == (int)(100 + id), "errno is per thread");
    check(pthread_getspecific(key) == (void *)(id + 1), "key values are per thread");
    printf("threads: adder %ld (tid %d) done\n", id, (int)pthread_self());
    return (void *)(id * 10);
}

static void *consumer(void *arg) {
    (void)arg;
    long sum = 0;
    for (int n = 0; n < 100; ++n) {
        pthread_mutex_lock(&lock);
        while (head == tail)
            pthread_cond_wait(&ready, &lock);
        sum += queue[head++ % 8];
        pthread_cond_broadcast(&ready);
        pthread_mutex_unlock(&lock);
    }
    return (void *)sum;
}

static void *detached(void *arg) {
    *(volatile int *)arg = 1;
    return NULL;
}

static void *faulter(void *arg) {
    (void)arg;
    printf("threads: the second thread reads address 0\n");
    return (void *)(long)*(volatile int *)0;
}

static void *exiter(void *arg) {
    (void)arg;
    exit(5);
}

static void *spinner(void *arg) {
    for (volatile long i = 0;; ++i)
        (void)arg;
    return NULL;
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    pthread_t t[THREADS];
    if (!strcmp(what, "fault")) {
        pthread_create(&t[0], NULL, faulter, NULL);
        pthread_join(t[0], NULL);
        printf("threads: still running after the fault (WRONG)\n");
        return 0;
    }
    if (!strcmp(what, "exit")) {
        pthread_create(&t[0], NULL, exiter, NULL);
        pthread_join(t[0], NULL);
        printf("threads: still running after exit(5) (WRONG)\n");
        return 0;
    }
    if (!strcmp(what, "spin")) {
        for (int i = 0; i < 3; ++i)
            pthread_create(&t[i], NULL, spinner, NULL);
        printf("threads: 3 threads spinning\n");
        fflush(stdout);
        spinner(NULL);
    }

    pthread_key_create(&key, NULL);
    for (long i = 0; i < THREADS; ++i)
        check(pthread_create(&t[i], NULL, adder, (void *)i) == 0, "pthread_create");
    long sum = 0;
    for (int i = 0; i < THREADS; ++i) {
        void *v;
        check(pthread_join(t[i], &v) == 0, "pthread_join");
        sum += (long)v;
    }
    printf("threads: counter %ld (expected %d), join values sum %ld\n", counter, THREADS * ROUNDS, sum);
    check(counter == THREADS * ROUNDS && sum == 60, "mutex and join");

    pthread_t c;
    pthread_create(&c, NULL, consumer, NULL);
    long produced = 0;
    for (int n = 0; n < 100; ++n) {
        pthread_mutex_lock(&lock);
        while (tail - head == 8)
            pthread_cond_wait(&ready, &lock);
        queue[tail++ % 8] = n;
        produced += n;
        pthread_cond_signal(&ready);
        pthread_mutex_unlock(&lock);
    }
    void *consumed;
    pthread_join(c, &consumed);
    printf("threads: condition variable: produced %ld, consumed %ld\n", produced, (long)consumed);
    check((long)consumed == produced, "condition variable");

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    volatile int ran = 0;
    pthread_t d;
    check(pthread_create(&d, &attr, detached, (void *)&ran) == 0, "a detached thread");
    for (int i = 0; i < 100 && !ran; ++i)
        usleep(1000);
    check(ran == 1, "the detached thread ran");
    check(pthread_join(d, NULL) != 0, "a detached thread cannot be joined");

    struct sched_param high = {.sched_priority = 31};
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedparam(&attr, &high);
    int rc = pthread_create(&d, &attr, detached, (void *)&ran);
    printf("threads: a thread above its creator's priority -> %d (%s)\n", rc, rc == EPERM ? "EPERM" : "WRONG");
    check(rc == EPERM, "priority above the creator's");
    check(pthread_join(pthread_self(), NULL) == EDEADLK, "joining itself");

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &ma);
    check(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0, "recursive lock");
    check(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0, "recursive unlock");
    check(pthread_mutex_unlock(&rec) == EPERM, "unlock of a mutex not held");
    struct timespec past = {0, 0};
    pthread_mutex_lock(&lock);
    check(pthread_cond_timedwait(&ready, &lock, &past) == ETIMEDOUT, "a timed wait that expires");
    pthread_mutex_unlock(&lock);

    printf("threads: %s (%d failures)\n", failures ? "FAILED" : "all passed", failures);
    return failures ? 1 : 0;
}
