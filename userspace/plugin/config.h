/*
 * The configuration header the plugin is compiled with, in place of the
 * config.h that strongSwan's configure writes (Debian ships neither it nor
 * the other headers; tools/strongswan-headers.sh extracts the headers).
 *
 * It must describe the build of the charon that loads the plugin: Debian 12's
 * strongSwan 5.9.8, configured by debian/rules of the source package. Only
 * macros that strongSwan's *headers* test matter for the plugin's ABI; each is
 * listed below with why it is set. Most of all:
 *
 *   ME         Debian configures --enable-mediation. ME adds members to
 *              ike_sa_t, peer_cfg_t and daemon_t and values to the task and
 *              payload enums. Without it the plugin compiles cleanly and then
 *              calls the wrong ike_sa_t methods at run time (get_unique_id()
 *              lands on another slot of the vtable).
 *
 * selftests/plugin_hub.sh (the "ABI:" checks) fails when this header is
 * wrong: it compares what the plugin reads through ike_sa_t (unique id,
 * connection name, peer identity, addresses) with what swanctl --list-sas
 * says of the same IKE_SA.
 */
#ifndef FLEXVPN_PLUGIN_CONFIG_H_
#define FLEXVPN_PLUGIN_CONFIG_H_

/* what library.h checks for: configure's AH_TOP puts it in config.h */
#define CONFIG_H_INCLUDED

/* configure's AC_USE_SYSTEM_EXTENSIONS */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/* debian/rules: --enable-mediation (changes struct layouts, see above) */
#define ME

/* both protocols are built (configure's default); used by .c files only, set
 * for completeness so that any header that starts testing them agrees */
#define USE_IKEV1
#define USE_IKEV2

/*
 * What upstream configure finds on Debian 12 (glibc 2.36, gcc 12, x86_64)
 * and the headers test:
 *  - utils/utils/atomics.h: refcount_t and ref_get()/ref_put() use the
 *    __atomic builtins (inline code that must match libstrongswan's)
 *  - utils/utils/types.h: bool is C99 _Bool; __int128 exists
 *  - utils/utils/time.h: time_monotonic() uses clock_gettime(CLOCK_MONOTONIC)
 *    and condition variables wait on that clock
 *  - utils/utils/memory.h: memwipe() relies on explicit_bzero(); memrchr()
 *    and fmemopen() come from glibc rather than strongSwan's replacements
 *  - utils/utils.h: sigwaitinfo() and closefrom() exist in glibc 2.36
 */
#define HAVE_GCC_ATOMIC_OPERATIONS
#define HAVE_STDBOOL_H
#define HAVE__BOOL
#define HAVE_INT128
#define HAVE_CLOCK_GETTIME
#define HAVE_CONDATTR_CLOCK_MONOTONIC
#define HAVE_EXPLICIT_BZERO
#define HAVE_MEMRCHR
#define HAVE_FMEMOPEN
#define HAVE_SIGWAITINFO
#define HAVE_CLOSEFROM
#define HAVE_ALLOCA_H
#define HAVE_SYS_PARAM_H

/*
 * printf hooks: Debian's libstrongswan registers %H, %Y, %N... with glibc's
 * register_printf_specifier() (it imports it), so neither USE_VSTR nor
 * USE_BUILTIN_PRINTF is defined.
 *
 * Not defined although Debian's configure defines it: HAVE_SYS_CAPABILITY_H
 * (--with-capabilities=libcap). utils/capabilities.h only takes the CAP_*
 * numbers from <sys/capability.h> and defines the same numbers itself
 * otherwise; libcap-dev is not needed for that.
 */

/* charon's debug levels are compiled in up to 4 (the default) */
#define DEBUG_LEVEL 4

#endif /* FLEXVPN_PLUGIN_CONFIG_H_ */
