/*
 * <sys/utsname.h> on Tenon (lib/posix): uname() names the system, its
 * version and the machine.
 */
#ifndef _SYS_UTSNAME_H_
#define _SYS_UTSNAME_H_

#ifdef __cplusplus
extern "C" {
#endif

#define _UTSNAME_LENGTH 65

struct utsname {
    char sysname[_UTSNAME_LENGTH];   /* "Tenon" */
    char nodename[_UTSNAME_LENGTH];  /* "tenon" (no network) */
    char release[_UTSNAME_LENGTH];   /* TenonOS's version */
    char version[_UTSNAME_LENGTH];   /* the platform the image is built for */
    char machine[_UTSNAME_LENGTH];   /* "aarch64" */
};

int uname(struct utsname* name);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_UTSNAME_H_ */
