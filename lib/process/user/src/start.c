/*
 * From _start (crt0.S) to main(): the environment, newlib's constructors
 * (__libc_init_array: the preinit and init arrays), the destructors
 * registered to run at exit(), then exit(main(...)): exit() runs the
 * atexit() handlers, flushes stdio and ends the process with
 * TN_SYS_EXIT.
 */
#include <stdlib.h>

#include "user_impl.h"

extern char** environ;
extern int main(int argc, char** argv, char** envp);
extern void __libc_init_array(void);
extern void __libc_fini_array(void);

void __tn_user_start(int argc, char** argv, char** envp) __attribute__((noreturn, used));

void __tn_user_start(int argc, char** argv, char** envp) {
    tn_user_tls_init(); /* before anything takes a lock or sets errno */
    if (envp)
        environ = envp;
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, argv, envp));
}
