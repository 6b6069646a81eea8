/* Internal to the user runtime (lib/process/user). */
#ifndef TN_USER_IMPL_H
#define TN_USER_IMPL_H

/** A raw system call's result as the C functions return it: -errno
 * becomes -1 with errno set; anything else is passed through. */
long tn_user_result(long r);

#endif
