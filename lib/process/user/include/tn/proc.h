/**
 * @file
 * @brief Tenon-specific process calls of the user runtime (lib/process/user).
 */
#ifndef TN_PROC_H
#define TN_PROC_H

#include <tn/syscall_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The process at position @p index of the kernel's process table
 * (TN_SYS_PROC_INFO): 0, 1, 2, ... until it fails with ESRCH.
 * @return 0, or -1 with errno (ESRCH past the last process, EFAULT).
 */
int tn_proc_get_info(int index, tn_proc_info* info);

/** The kernel's system-call ABI version (TN_SYS_ABI_VERSION). */
int tn_proc_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif
