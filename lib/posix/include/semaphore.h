/*
 * POSIX unnamed semaphores on Tenon (lib/posix), on lib/sync's counting
 * semaphores. Named semaphores (sem_open) are not provided: there is no file
 * system (docs/posix.md).
 */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <limits.h> /* SEM_VALUE_MAX */
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEM_FAILED ((sem_t*)0)

typedef struct {
    unsigned __state;   /* lib/posix's (first: no offset to add) */
    __uint64_t __s[3];  /* tn_sem_t */
} sem_t;

int sem_init(sem_t* sem, int pshared, unsigned value);
int sem_destroy(sem_t* sem);
int sem_wait(sem_t* sem);
int sem_trywait(sem_t* sem);
int sem_timedwait(sem_t* __restrict sem, const struct timespec* __restrict abstime);
int sem_post(sem_t* sem);
int sem_getvalue(sem_t* __restrict sem, int* __restrict sval);
sem_t* sem_open(const char* name, int oflag, ...);
int sem_close(sem_t* sem);
int sem_unlink(const char* name);

#ifdef __cplusplus
}
#endif

#endif /* _SEMAPHORE_H */
