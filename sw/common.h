/* SPDX-License-Identifier: MIT */
/* sglif common definitions: the real type, error reporting, exit codes.
 *
 * Every library function that can fail returns an int (0 = success, a negative SGL_E* code
 * otherwise) and leaves a one-line message in a thread-local buffer read by sgl_errmsg().
 */
#ifndef SGLIF_COMMON_H
#define SGLIF_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The float trainer computes in `real`: float by default, double when built with
 * -DSGLIF_DOUBLE (the gradient-check test builds the library a second time that way). */
#ifdef SGLIF_DOUBLE
typedef double real;
#else
typedef float real;
#endif

/* Error codes (negated on return). The command-line program maps them to exit codes. */
enum {
    SGL_OK = 0,
    SGL_EUSAGE = 1, /* bad option or argument */
    SGL_EIO = 2,    /* a file could not be opened, read or written */
    SGL_EDATA = 3,  /* a file or data set is malformed, truncated or altered */
    SGL_ENOMEM = 4, /* out of memory */
    SGL_EINTR = 5,  /* interrupted by a signal (work was saved) */
    SGL_EDEVICE = 6 /* board missing, not answering, or protocol mismatch */
};

/* Exit codes of the `sglif` program (documented in every --help). */
enum {
    SGL_EXIT_OK = 0,
    SGL_EXIT_FAIL = 1,   /* runtime failure (I/O, out of memory, ...) */
    SGL_EXIT_USAGE = 2,  /* bad command line */
    SGL_EXIT_DATA = 3,   /* malformed or missing input file / data set */
    SGL_EXIT_DEVICE = 4, /* device error */
    SGL_EXIT_INTR = 130  /* interrupted; a checkpoint was saved */
};

/* Record an error message (printf format) and return -code. */
int sgl_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message recorded by sgl_fail() in this thread ("" if none). */
const char *sgl_errmsg(void);
/* Map a negative library return code to the program's exit code. */
int sgl_exit_code(int rc);

/* Allocation that records SGL_ENOMEM on failure (returns NULL). Zeroed. */
void *sgl_calloc(size_t n, size_t size);

#define SGL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
