/* SPDX-License-Identifier: MIT */
/* Internals shared by the data-set loaders (sw/data*.c): spec parsing and building an sgl_data
 * from arrays it takes over. Not part of the library's API. */
#ifndef SGLIF_DATA_PRIV_H
#define SGLIF_DATA_PRIV_H

#include "data.h"

#define SGL_SPEC_MAX_KEYS 16

/* A parsed spec "name[:arg,key=value,...]". arg is the one entry without '=' (shd/ssc DIR). */
typedef struct {
    char buf[1024];
    const char *name;
    const char *arg; /* NULL if none */
    int n;
    const char *key[SGL_SPEC_MAX_KEYS];
    const char *val[SGL_SPEC_MAX_KEYS];
    int used[SGL_SPEC_MAX_KEYS];
} sgl_spec;

/* Each getter returns 0 (the default stays if the key is absent) or -SGL_EUSAGE naming the key. */
int sgl_spec_int(sgl_spec *s, const char *key, long lo, long hi, int *out);
int sgl_spec_u64(sgl_spec *s, const char *key, uint64_t *out);
/* Range [lo, hi]; lo_open / hi_open exclude the bound. */
int sgl_spec_double(sgl_spec *s, const char *key, double lo, int lo_open, double hi, int hi_open,
                    double *out);
int sgl_spec_str(sgl_spec *s, const char *key, const char **out);
/* -SGL_EUSAGE naming the first key no getter asked for. keys lists the valid ones. */
int sgl_spec_unused(const sgl_spec *s, const char *keys);
/* Shortest "%.{15,16,17}g" that reads back to v. */
void sgl_fmt_double(char *buf, size_t n, double v);

/* Build d from arrays allocated with malloc/calloc, taking them over (freed on error too):
 * validates labels and events, sorts each sample's events by (t, u), removes duplicates. */
int sgl_data_adopt(sgl_data *d, const char *name, int n_units, int n_steps, int n_classes,
                   int n_samples, int *label, int64_t *off, uint16_t *ev_t, uint16_t *ev_u);

/* A growable event list for the loaders. */
typedef struct {
    uint16_t *t, *u;
    int64_t n, cap;
} sgl_evbuf;
int sgl_evbuf_push(sgl_evbuf *b, int t, int u);
/* Make room for n more events. */
int sgl_evbuf_reserve(sgl_evbuf *b, int64_t n);

int sgl_data_load_randman(sgl_data *d, sgl_spec *s, sgl_split split);
int sgl_data_load_fmnist(sgl_data *d, sgl_spec *s, sgl_split split);
/* ssc = 0 for SHD, 1 for SSC. */
int sgl_data_load_hdf5(sgl_data *d, sgl_spec *s, sgl_split split, int ssc);

#endif
