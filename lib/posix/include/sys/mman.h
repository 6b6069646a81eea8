/*
 * <sys/mman.h> on Tenon (lib/posix): memory locking only (_POSIX_MEMLOCK,
 * _POSIX_MEMLOCK_RANGE). Tenon has no paging: every page of the image, its
 * heap and its stacks is resident from the moment it is mapped until the
 * image powers off, so locking succeeds and changes nothing. There is no
 * mmap() (no files, no processes to share with).
 */
#ifndef _SYS_MMAN_H_
#define _SYS_MMAN_H_

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCL_CURRENT 1
#define MCL_FUTURE 2

int mlockall(int flags);
int munlockall(void);
int mlock(const void* addr, size_t len);
int munlock(const void* addr, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_MMAN_H_ */
