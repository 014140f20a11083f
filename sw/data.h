/* SPDX-License-Identifier: MIT */
/* Spiking data sets: randman (generated), fmnist (Debian's dataset-fashion-mnist, latency code),
 * shd / ssc (HDF5 through libhdf5). A spec is "name[:key=value,...]" or "shd:DIR". */
#ifndef SGLIF_DATA_H
#define SGLIF_DATA_H

#include "common.h"
#include "net.h"

typedef enum { SGL_SPLIT_TRAIN = 0, SGL_SPLIT_VALID = 1, SGL_SPLIT_TEST = 2 } sgl_split;

typedef struct {
    char name[256];  /* the spec it was loaded from, normalized */
    int n_units;     /* input channels */
    int n_steps;     /* steps per sample */
    int n_classes;
    int n_samples;
    int *label;      /* [n_samples] */
    int64_t *off;    /* [n_samples + 1]: events of sample i are off[i] .. off[i+1]-1 */
    uint16_t *ev_t;  /* event steps, sorted within each sample */
    uint16_t *ev_u;  /* event channels; (t, u) pairs unique within a sample */
} sgl_data;

/* Load one split of the data set named by spec. Errors name the file and what is wrong. */
int sgl_data_load(sgl_data *d, const char *spec, sgl_split split);
void sgl_data_free(sgl_data *d);
/* A view of sample i for the network. */
sgl_sample sgl_data_sample(const sgl_data *d, int i);
/* Mean and variance over channels and steps of the binary input (Condition II). */
void sgl_data_input_stats(const sgl_data *d, double *mean, double *var);
/* Build a data set from per-sample event lists (sorting and de-duplicating them); used by the
 * loaders and by tests. */
int sgl_data_from_events(sgl_data *d, const char *name, int n_units, int n_steps,
                         int n_classes, int n_samples, const int *label, const int64_t *off,
                         const uint16_t *ev_t, const uint16_t *ev_u);
/* A 64-bit FNV-1a checksum of the data (labels and events), to publish and test data sets. */
uint64_t sgl_data_checksum(const sgl_data *d);

#endif
