/*
 * flockfile(), ftrylockfile() and funlockfile() (POSIX_FILE_LOCKING), which
 * newlib 3.3 declares but does not build for this target: a stream's own
 * recursive lock, the one every stdio call on it takes (locks.c). A string
 * stream (sprintf's) has none and needs none.
 */
#include <stdio.h>
#include <sys/lock.h>

void flockfile(FILE* fp) {
    if (!(fp->_flags & __SSTR))
        __lock_acquire_recursive(fp->_lock);
}

int ftrylockfile(FILE* fp) {
    if (fp->_flags & __SSTR)
        return 0;
    return __lock_try_acquire_recursive(fp->_lock);
}

void funlockfile(FILE* fp) {
    if (!(fp->_flags & __SSTR))
        __lock_release_recursive(fp->_lock);
}
