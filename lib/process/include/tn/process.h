/**
 * @file
 * @brief Processes for the kernel's own code (lib/process): the calls an
 * application's main() (at EL1) uses to start and watch programs at EL0.
 *
 * A process runs one of the image's embedded programs (tn/program_table.h)
 * in its own address space (tn/syscall_abi.h). Its thread is an ordinary
 * thread of the real-time scheduler. Errors are negative errno values
 * (newlib's <errno.h>). docs/processes.md has the whole picture.
 */
#ifndef TN_PROCESS_H
#define TN_PROCESS_H

#include <tn/syscall_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Starts @p program (an embedded program's name) with @p argv (NULL-terminated;
 * NULL: just the name), its descriptors 0-2 on the console, as a child of the
 * kernel. @return its pid (> 0), or -ENOENT (no such program), -E2BIG (argv
 * past TN_ARGC_MAX or TN_ARG_MAX), -EAGAIN (LIBPROCESS_MAX_PROCESSES exist, or
 * no ASID), -ENOMEM, -ENOEXEC (the ELF file is refused; the console says why).
 * @context Thread. @blocking No (the child may preempt the caller).
 */
int tn_process_spawn(const char *program, const char *const argv[]);
/** tn_process_spawn() with @p attr (tn/syscall_abi.h; NULL: the caller's
 * priority and CPU). The kernel may give any priority. -EINVAL for a
 * priority or CPU that does not exist. */
int tn_process_spawn_attr(const char *program, const char *const argv[], const tn_spawn_attr *attr);
/**
 * Waits for the kernel's child @p pid (-1: any) to end and frees it.
 * @p status (may be NULL) gets the wait status (<sys/wait.h>'s macros).
 * @p options: 0 or WNOHANG (1). @return its pid, 0 (WNOHANG, none ended),
 * -ECHILD. @context Thread. @blocking Yes, unless WNOHANG.
 */
int tn_process_wait(int pid, int *status, int options);
/** Sends @p sig (SIGKILL, SIGTERM; 0: just check) to @p pid. @return 0, -ESRCH, -EINVAL. */
int tn_process_kill(int pid, int sig);
/** The @p index-th process (0, 1, ...) in @p info. @return 0, -ESRCH past the last. */
int tn_process_info(int index, tn_proc_info *info);
/** Name of the @p index-th embedded program, or NULL past the last. */
const char *tn_program_name(unsigned index);

#ifdef __cplusplus
}
#endif

#endif
