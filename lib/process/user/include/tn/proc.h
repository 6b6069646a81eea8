/**
 * @file
 * @brief Tenon-specific process calls of the user runtime (lib/process/user).
 */
#ifndef TN_PROC_H
#define TN_PROC_H

#include <stddef.h>

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

/* The index-th program embedded in the image (TN_SYS_PROGRAM_NAME): its
 * length, the name in name[len]; -1 with errno ESRCH past the last. */
int tn_proc_program_name(int index, char* name, size_t len);

#ifdef __cplusplus
}
#endif

#endif
