/*
 * POSIX named semaphores. There is no file system: names live in a static
 * table of CONFIG_LIBPOSIX_SEM_NAMED_MAX entries shared by every thread of
 * the image, as message queue names do (mq.c). A name is '/' and at least
 * one more character, at most NAME_MAX bytes. Every sem_open() of a name
 * returns the same sem_t; it lives until it is unlinked and closed as many
 * times as it was opened.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "sync_impl.h"

struct named_sem {
    sem_t sem;
    char name[NAME_MAX + 1];
    unsigned opens;  /* sem_open()s not yet closed */
    int used;        /* the entry holds a semaphore */
    int unlinked;    /* its name is gone; freed at the last sem_close() */
};

static struct named_sem g_named[CONFIG_LIBPOSIX_SEM_NAMED_MAX];
static tn_mutex_t g_lock;
static int g_ready;

static void lock(void) {
    tn_posix_static_mutex(&g_lock, &g_ready);
    tn_mutex_lock(&g_lock, TN_FOREVER);
}

static void unlock(void) { tn_mutex_unlock(&g_lock); }

static int check_name(const char* name) {
    if (!name || name[0] != '/' || name[1] == 0)
        return EINVAL;
    return strlen(name) > NAME_MAX ? ENAMETOOLONG : 0;
}

/* The entry a name has now (lock held), or NULL. */
static struct named_sem* find(const char* name) {
    for (unsigned i = 0; i < CONFIG_LIBPOSIX_SEM_NAMED_MAX; ++i)
        if (g_named[i].used && !g_named[i].unlinked && strcmp(g_named[i].name, name) == 0)
            return &g_named[i];
    return NULL;
}

/* Lock held. */
static void release(struct named_sem* n) {
    (void)sem_destroy(&n->sem);
    memset(n, 0, sizeof *n);
}

sem_t* sem_open(const char* name, int oflag, ...) {
    int err = check_name(name);
    if (err) {
        errno = err;
        return SEM_FAILED;
    }
    unsigned value = 0;
    if (oflag & O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        (void)va_arg(ap, int);  /* mode_t, promoted: no permissions without files */
        value = va_arg(ap, unsigned);
        va_end(ap);
    }
    lock();
    struct named_sem* n = find(name);
    if (n) {
        if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
            err = EEXIST;
        else
            ++n->opens;
    } else if (!(oflag & O_CREAT)) {
        err = ENOENT;
    } else if (value > SEM_VALUE_MAX) {
        err = EINVAL;
    } else {
        for (unsigned i = 0; i < CONFIG_LIBPOSIX_SEM_NAMED_MAX && !n; ++i)
            if (!g_named[i].used)
                n = &g_named[i];
        if (!n) {
            err = ENOSPC;
        } else {
            (void)sem_init(&n->sem, 0, value);
            strcpy(n->name, name);
            n->opens = 1;
            n->used = 1;
            n->unlinked = 0;
        }
    }
    unlock();
    if (err) {
        errno = err;
        return SEM_FAILED;
    }
    return &n->sem;
}

int sem_close(sem_t* sem) {
    int err = EINVAL;  /* not a semaphore sem_open() returned */
    lock();
    for (unsigned i = 0; i < CONFIG_LIBPOSIX_SEM_NAMED_MAX; ++i) {
        struct named_sem* n = &g_named[i];
        if (n->used && &n->sem == sem && n->opens > 0) {
            err = 0;
            if (--n->opens == 0 && n->unlinked)
                release(n);
            break;
        }
    }
    unlock();
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int sem_unlink(const char* name) {
    int err = check_name(name);
    if (!err) {
        lock();
        struct named_sem* n = find(name);
        if (!n) {
            err = ENOENT;
        } else {
            n->unlinked = 1;
            if (n->opens == 0)
                release(n);
        }
        unlock();
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
