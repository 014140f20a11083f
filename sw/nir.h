/* SPDX-License-Identifier: MIT */
/* NIR (Neuromorphic Intermediate Representation) files: a recurrent LIF network written as and
 * read from NIR's HDF5 graph through libhdf5. The mapping of every parameter and what is
 * refused: docs/formats.md. */
#ifndef SGLIF_NIR_H
#define SGLIF_NIR_H

#include "net.h"

#define SGL_NIR_DT_DEFAULT 1e-4 /* seconds a step: the dt of snnTorch's exporter and importer */

typedef struct {
    double dt;        /* seconds per step (> 0) */
    int approx_reset; /* 1: write a subtractive-reset model as reset to 0 (an approximation) */
} sgl_nir_export_opts;

typedef struct {
    double dt;   /* seconds per step (> 0) */
    int n_steps; /* the model's steps per sample (NIR stores none) */
} sgl_nir_import_opts;

/* Write net as a NIR graph: Input -> Affine (W_in, bias) -> LIF with a recurrent Linear edge
 * (W_rec) -> ... -> Affine (W_out, b_out) -> Output, node names as snnTorch's exporter writes
 * them ("fc1", "lif1.lif", "lif1.w_rec", ...; a layer whose W_rec is all zero: "lif1" without
 * the recurrent edge, as a Leaky layer). Refuses (-SGL_EUSAGE) ALIF, and a subtractive
 * reset without approx_reset. Written to PATH.tmpPID and renamed. */
int sgl_nir_export(const sgl_net *net, const char *path, const sgl_nir_export_opts *o);

/* Read a NIR graph into net (allocated here; multiplicative reset, the default SG). Refuses
 * with -SGL_EDATA and a message naming the node and why: CubaLIF, convolutions, delays, any
 * other node type, a layer that is not Affine/Linear -> LIF, unequal shapes, time constants or
 * thresholds that differ between neurons or layers, v_reset != 0, tau <= dt. -SGL_EIO: the
 * file cannot be opened. */
int sgl_nir_import(const char *path, const sgl_nir_import_opts *o, sgl_net *net);

#endif
