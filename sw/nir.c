/* SPDX-License-Identifier: MIT */
/* NIR files (Pedersen et al., Nature Communications 2024): HDF5 with a root dataset "version"
 * and a group "node" holding a NIRGraph: "type", "nodes/<name>/" (a "type" string and the
 * node's arrays) and "edges" (E x 2 strings, source -> target). Written the way NIR's own
 * writer does (variable-length UTF-8 strings, gzip-compressed arrays). docs/formats.md. */
#include "nir.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NIR_VERSION "1.0.8" /* the NIR release whose layout this writes */
#define NAME_MAX_LEN 128
#define MAX_NODES 64

/* ---- writing ------------------------------------------------------------------------------ */

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static int put_str(hid_t g, const char *name, const char *s)
{
    hid_t t = str_type(), sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int bad = d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) < 0;
    if (d >= 0)
        H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
    return bad ? -1 : 0;
}

/* An array of rank 1 or 2, stored as file type ftype (gzip level 4, as NIR's writer), from
 * memory of type mtype. */
static int put_arr(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank,
                   const hsize_t *dims, const void *buf)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), pl = H5Pcreate(H5P_DATASET_CREATE);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && dims[0] > 0 && (rank < 2 || dims[1] > 0)) {
        H5Pset_chunk(pl, rank, dims);
        H5Pset_deflate(pl, 4);
    }
    hid_t d = H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    int bad = d < 0 || H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0;
    if (d >= 0)
        H5Dclose(d);
    H5Pclose(pl);
    H5Sclose(sp);
    return bad ? -1 : 0;
}

/* NIR's weight [out][in] from sglif's row-major-by-presynaptic w [in][out], as f32. */
static float *transposed(const real *w, int n_pre, int n)
{
    float *o = sgl_calloc((size_t)n_pre * (size_t)n + 1, sizeof(float));
    if (o)
        for (int i = 0; i < n_pre; i++)
            for (int j = 0; j < n; j++)
                o[(size_t)j * (size_t)n_pre + (size_t)i] = (float)w[(size_t)i * (size_t)n + (size_t)j];
    return o;
}

static int put_affine(hid_t nodes, const char *name, const char *type, const real *w, int n_pre,
                      int n, const real *bias)
{
    hid_t g = H5Gcreate2(nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    float *wt = transposed(w, n_pre, n), *b = sgl_calloc((size_t)n + 1, sizeof(float));
    hsize_t dw[2] = {(hsize_t)n, (hsize_t)n_pre}, db[1] = {(hsize_t)n};
    int bad = !wt || !b;
    if (!bad && bias)
        for (int i = 0; i < n; i++)
            b[i] = (float)bias[i];
    bad = bad || put_str(g, "type", type) ||
          put_arr(g, "weight", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dw, wt) ||
          (bias && put_arr(g, "bias", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 1, db, b));
    free(wt);
    free(b);
    H5Gclose(g);
    return bad ? -1 : 0;
}

static int put_lif(hid_t nodes, const char *name, int n, double tau, double r, double theta)
{
    hid_t g = H5Gcreate2(nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    double *a = sgl_calloc((size_t)n * 4 + 1, sizeof(double));
    int bad = !a;
    if (!bad) {
        for (int i = 0; i < n; i++) {
            a[i] = tau;
            a[n + i] = r;
            a[2 * n + i] = theta;
            a[3 * n + i] = 0; /* v_leak and v_reset */
        }
        hsize_t d[1] = {(hsize_t)n};
        bad = put_str(g, "type", "LIF") ||
              put_arr(g, "tau", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, d, a) ||
              put_arr(g, "r", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, d, a + n) ||
              put_arr(g, "v_leak", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, d, a + 3 * n) ||
              put_arr(g, "v_reset", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, d, a + 3 * n) ||
              put_arr(g, "v_threshold", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, d, a + 2 * n);
    }
    free(a);
    H5Gclose(g);
    return bad ? -1 : 0;
}

static int put_io(hid_t nodes, const char *name, const char *type, int n)
{
    hid_t g = H5Gcreate2(nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    int64_t shape = n;
    hsize_t d[1] = {1};
    int bad = put_str(g, "type", type) ||
              put_arr(g, "shape", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, d, &shape);
    H5Gclose(g);
    return bad ? -1 : 0;
}

static int put_edges(hid_t graph, char (*e)[2][NAME_MAX_LEN], int n)
{
    const char **p = sgl_calloc((size_t)n * 2, sizeof(char *));
    if (!p)
        return -1;
    for (int i = 0; i < n; i++) {
        p[2 * i] = e[i][0];
        p[2 * i + 1] = e[i][1];
    }
    hsize_t d[2] = {(hsize_t)n, 2};
    hid_t t = str_type(), sp = H5Screate_simple(2, d, NULL);
    hid_t ds = H5Dcreate2(graph, "edges", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int bad = ds < 0 || H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p) < 0;
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(sp);
    H5Tclose(t);
    free(p);
    return bad ? -1 : 0;
}

int sgl_nir_export(const sgl_net *net, const char *path, const sgl_nir_export_opts *o)
{
    const sgl_config *c = &net->cfg;
    if (!(o->dt > 0) || !isfinite(o->dt))
        return sgl_fail(SGL_EUSAGE, "nir export: dt %g is not a positive number", o->dt);
    if (c->alif)
        return sgl_fail(SGL_EUSAGE, "nir export: an ALIF model (adaptive threshold) has no NIR "
                                    "node (NIR's LIF has a fixed threshold)");
    if (c->reset == SGL_RESET_SUB && !o->approx_reset)
        return sgl_fail(SGL_EUSAGE,
                        "nir export: the model resets by subtraction, which NIR cannot express "
                        "(its LIF resets to v_reset); --approx-reset writes reset to 0, which "
                        "drops the overshoot v - theta after each spike");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return sgl_fail(SGL_EUSAGE, "nir export: path too long");
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return sgl_fail(SGL_EIO, "%s: cannot create", path);
    const double alpha = sgl_config_alpha(c);
    const double tau = o->dt / (1 - alpha), r = tau / o->dt;
    const int L = c->n_layers;
    char (*e)[2][NAME_MAX_LEN] = sgl_calloc(4 * (size_t)L + 4, sizeof *e);
    int ne = 0, bad = !e;
    hid_t root = H5Gcreate2(f, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t nodes = root < 0 ? -1 : H5Gcreate2(root, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad = bad || nodes < 0 || put_str(f, "version", NIR_VERSION) ||
          put_str(root, "type", "NIRGraph") || put_io(nodes, "input", "Input", c->n_in);
    char prev[NAME_MAX_LEN] = "input", name[NAME_MAX_LEN], lif[NAME_MAX_LEN], rec[NAME_MAX_LEN];
#define EDGE(a, b)                                                                             \
    do {                                                                                       \
        snprintf(e[ne][0], NAME_MAX_LEN, "%s", a);                                             \
        snprintf(e[ne][1], NAME_MAX_LEN, "%s", b);                                             \
        ne++;                                                                                  \
    } while (0)
    for (int l = 0; l < L && !bad; l++) {
        const sgl_layer *ly = &net->layer[l];
        int recurrent = 0; /* a layer without recurrent weights is written as snnTorch's Leaky */
        for (size_t k = 0; k < (size_t)ly->n * (size_t)ly->n; k++)
            recurrent |= ly->w_rec[k] != 0;
        snprintf(name, sizeof name, "fc%d", l + 1);
        snprintf(lif, sizeof lif, recurrent ? "lif%d.lif" : "lif%d", l + 1);
        snprintf(rec, sizeof rec, "lif%d.w_rec", l + 1);
        bad = put_affine(nodes, name, "Affine", ly->w_in, ly->n_pre, ly->n, ly->bias) ||
              put_lif(nodes, lif, ly->n, tau, r, c->theta) ||
              (recurrent && put_affine(nodes, rec, "Linear", ly->w_rec, ly->n, ly->n, NULL));
        EDGE(prev, name);
        EDGE(name, lif);
        if (recurrent) {
            EDGE(lif, rec);
            EDGE(rec, lif);
        }
        snprintf(prev, sizeof prev, "%s", lif);
    }
    if (!bad) {
        snprintf(name, sizeof name, "fc%d", L + 1);
        bad = put_affine(nodes, name, "Affine", net->w_out, net->layer[L - 1].n, c->n_out,
                         net->b_out) ||
              put_io(nodes, "output", "Output", c->n_out);
        EDGE(prev, name);
        EDGE(name, "output");
        bad = bad || put_edges(root, e, ne);
    }
#undef EDGE
    free(e);
    if (nodes >= 0)
        H5Gclose(nodes);
    if (root >= 0)
        H5Gclose(root);
    if (H5Fclose(f) < 0)
        bad = 1;
    if (!bad && rename(tmp, path) != 0)
        bad = 1;
    if (bad) {
        unlink(tmp);
        return sgl_fail(SGL_EIO, "%s: write failed", path);
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct {
    char name[NAME_MAX_LEN];
    char type[32];
    hid_t g;
} nnode;

typedef struct {
    const char *path;
    hid_t f, nodes;
    int n;
    nnode node[MAX_NODES];
    int ne;
    int (*edge)[2]; /* node indices */
} ngraph;

/* A string dataset (variable- or fixed-length) into buf. */
static int get_str(hid_t loc, const char *name, char *buf, size_t cap)
{
    buf[0] = 0;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t t = H5Dget_type(d);
    int rc = -1;
    if (H5Tget_class(t) == H5T_STRING) {
        hid_t sp = H5Dget_space(d);
        if (H5Sget_simple_extent_npoints(sp) == 1) {
            if (H5Tis_variable_str(t) > 0) {
                char *s = NULL;
                hid_t mt = str_type();
                if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0 && s) {
                    snprintf(buf, cap, "%s", s);
                    H5free_memory(s);
                    rc = 0;
                }
                H5Tclose(mt);
            } else {
                size_t sz = H5Tget_size(t);
                char *s = calloc(sz + 1, 1);
                hid_t mt = H5Tcopy(t);
                if (s && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0) {
                    snprintf(buf, cap, "%s", s);
                    rc = 0;
                }
                H5Tclose(mt);
                free(s);
            }
        }
        H5Sclose(sp);
    }
    H5Tclose(t);
    H5Dclose(d);
    return rc;
}

/* A numeric dataset of rank `rank` (1 or 2; a scalar passes for rank 1, length 1) read as
 * double; dims receives its shape. NULL with an error message naming the node on a missing or
 * malformed array. */
static double *get_arr(const ngraph *G, const nnode *nd, const char *name, int rank,
                       hsize_t dims[2], int *rc)
{
    dims[0] = dims[1] = 1;
    if (H5Lexists(nd->g, name, H5P_DEFAULT) <= 0) {
        *rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s): array '%s' is missing", G->path,
                       nd->name, nd->type, name);
        return NULL;
    }
    hid_t d = H5Dopen2(nd->g, name, H5P_DEFAULT), sp = H5Dget_space(d), t = H5Dget_type(d);
    int r = H5Sget_simple_extent_ndims(sp);
    H5T_class_t cls = H5Tget_class(t);
    double *a = NULL;
    if ((r == rank || (r == 0 && rank == 1)) && (cls == H5T_FLOAT || cls == H5T_INTEGER)) {
        if (r > 0) /* a scalar stands for an array of one (snnTorch's Leaky with a scalar beta) */
            H5Sget_simple_extent_dims(sp, dims, NULL);
        a = sgl_calloc((size_t)(dims[0] * (rank > 1 ? dims[1] : 1)) + 1, sizeof(double));
        if (a && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) < 0) {
            free(a);
            a = NULL;
        }
    }
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    if (!a)
        *rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s): array '%s' is not a numeric array of "
                                  "rank %d", G->path, nd->name, nd->type, name, rank);
    return a;
}

#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t link_info;
#define LINK_ITERATE H5Literate2
#else
typedef H5L_info_t link_info;
#define LINK_ITERATE H5Literate
#endif

static herr_t collect(hid_t g, const char *name, const link_info *info, void *op)
{
    (void)info;
    ngraph *G = op;
    if (G->n >= MAX_NODES || strlen(name) >= NAME_MAX_LEN)
        return -1;
    nnode *nd = &G->node[G->n];
    snprintf(nd->name, sizeof nd->name, "%s", name);
    nd->g = H5Gopen2(g, name, H5P_DEFAULT);
    G->n++;
    if (nd->g < 0 || get_str(nd->g, "type", nd->type, sizeof nd->type))
        snprintf(nd->type, sizeof nd->type, "?");
    return 0;
}

static int find_node(const ngraph *G, const char *name)
{
    for (int i = 0; i < G->n; i++)
        if (strcmp(G->node[i].name, name) == 0)
            return i;
    return -1;
}

static int read_edges(ngraph *G)
{
    if (H5Lexists(G->f, "/node/edges", H5P_DEFAULT) <= 0)
        return sgl_fail(SGL_EDATA, "%s: /node/edges is missing", G->path);
    hid_t d = H5Dopen2(G->f, "/node/edges", H5P_DEFAULT), sp = H5Dget_space(d);
    hid_t t = H5Dget_type(d);
    hsize_t dims[2] = {0, 0};
    int rank = H5Sget_simple_extent_ndims(sp), rc = 0;
    if (rank == 2)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (H5Tget_class(t) != H5T_STRING || (rank == 2 && dims[1] != 2) ||
        (rank != 2 && !(rank == 1 && H5Sget_simple_extent_npoints(sp) == 0)))
        rc = sgl_fail(SGL_EDATA, "%s: /node/edges is not an E x 2 array of strings", G->path);
    size_t ne = rank == 2 ? (size_t)dims[0] : 0;
    G->edge = sgl_calloc(ne + 1, sizeof *G->edge);
    if (!rc && !G->edge)
        rc = -SGL_ENOMEM;
    if (!rc && ne > 0) {
        int vl = H5Tis_variable_str(t) > 0;
        size_t sz = vl ? sizeof(char *) : H5Tget_size(t);
        char *buf = sgl_calloc(ne * 2, sz + 1);
        hid_t mt = vl ? str_type() : H5Tcopy(t);
        if (!buf || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            rc = sgl_fail(SGL_EDATA, "%s: /node/edges cannot be read", G->path);
        for (size_t i = 0; !rc && i < ne * 2; i++) {
            char s[NAME_MAX_LEN + 1] = "";
            if (vl)
                snprintf(s, sizeof s, "%s", ((char **)(void *)buf)[i] ? ((char **)(void *)buf)[i] : "");
            else {
                size_t k = sz < NAME_MAX_LEN ? sz : NAME_MAX_LEN;
                memcpy(s, buf + i * sz, k);
                s[k] = 0;
            }
            int j = find_node(G, s);
            if (j < 0)
                rc = sgl_fail(SGL_EDATA, "%s: edge %zu names node '%s', which is not in "
                                         "/node/nodes", G->path, i / 2, s);
            G->edge[i / 2][i % 2] = j;
        }
        if (vl && buf)
#if H5_VERSION_GE(1, 12, 0)
            H5Treclaim(mt, sp, H5P_DEFAULT, buf);
#else
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
#endif
        H5Tclose(mt);
        free(buf);
    }
    G->ne = (int)ne;
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

/* Successors (dir 0) or predecessors (dir 1) of node i: count, and the first in *one. */
static int neighbours(const ngraph *G, int i, int dir, int skip, int *one)
{
    int k = 0;
    for (int e = 0; e < G->ne; e++)
        if (G->edge[e][dir] == i && G->edge[e][1 - dir] != skip) {
            if (k == 0)
                *one = G->edge[e][1 - dir];
            k++;
        }
    return k;
}

static int is_dense(const nnode *nd)
{
    return strcmp(nd->type, "Affine") == 0 || strcmp(nd->type, "Linear") == 0;
}

/* Why sglif refuses a node type (NULL: a type the chain may hold). */
static const char *refusal(const char *type)
{
    static const struct {
        const char *type, *why;
    } t[] = {
        {"CubaLIF", "current-based LIF has a synaptic current state sglif's neurons lack"},
        {"CubaLI", "current-based leaky integrator: sglif's readout is a per-step affine map"},
        {"LI", "leaky-integrator readout: sglif reads the readout's affine map per step"},
        {"IF", "integrate-and-fire without leak: sglif's neurons leak (alpha < 1)"},
        {"I", "integrator node: sglif has none"},
        {"Conv1d", "convolutions are not supported (dense layers only)"},
        {"Conv2d", "convolutions are not supported (dense layers only)"},
        {"Delay", "synaptic delays are not supported (every connection acts in one step)"},
        {"SumPool2d", "pooling is not supported"},
        {"AvgPool2d", "pooling is not supported"},
        {"Flatten", "reshaping is not supported (1-D inputs only)"},
        {"Scale", "Scale nodes are not supported"},
        {"Threshold", "a threshold without membrane is not supported"},
        {"NIRGraph", "nested subgraphs are not supported (write the graph flat)"},
    };
    for (size_t i = 0; i < SGL_ARRAY_LEN(t); i++)
        if (strcmp(type, t[i].type) == 0)
            return t[i].why;
    if (strcmp(type, "Input") && strcmp(type, "Output") && strcmp(type, "Affine") &&
        strcmp(type, "Linear") && strcmp(type, "LIF"))
        return "a node type sglif does not know";
    return NULL;
}

typedef struct {
    int n_pre, n;
    double *w;    /* [n][n_pre] as in NIR */
    double *bias; /* [n] or NULL */
} dense;

static int get_dense(const ngraph *G, const nnode *nd, int n_pre, dense *D)
{
    hsize_t dw[2], db[2];
    int rc = 0;
    memset(D, 0, sizeof *D);
    if (!(D->w = get_arr(G, nd, "weight", 2, dw, &rc)))
        return rc;
    if ((int)dw[1] != n_pre || dw[0] < 1 || dw[0] > 65536)
        return sgl_fail(SGL_EDATA, "%s: node '%s' (%s): weight is %llu x %llu, its input has %d",
                        G->path, nd->name, nd->type, (unsigned long long)dw[0],
                        (unsigned long long)dw[1], n_pre);
    D->n_pre = n_pre;
    D->n = (int)dw[0];
    if (strcmp(nd->type, "Affine") == 0) {
        if (!(D->bias = get_arr(G, nd, "bias", 1, db, &rc)))
            return rc;
        if ((int)db[0] != D->n)
            return sgl_fail(SGL_EDATA, "%s: node '%s' (Affine): bias has %llu entries, weight "
                                       "%d rows", G->path, nd->name, (unsigned long long)db[0], D->n);
    }
    return 0;
}

static void free_dense(dense *D)
{
    free(D->w);
    free(D->bias);
    memset(D, 0, sizeof *D);
}

typedef struct {
    double alpha, theta;
} lifp;

/* One LIF node of n neurons (each array of n entries, or 1 for all): tau and v_threshold equal
 * across neurons; scale[i] = r dt / tau (the input's factor, folded into the weights), shift[i] =
 * (dt / tau) v_leak (folded into the bias). */
static int get_lif(const ngraph *G, const nnode *nd, int n, double dt, lifp *p, double *scale,
                   double *shift)
{
    static const char *const key[5] = {"tau", "r", "v_leak", "v_threshold", "v_reset"};
    double *a[5] = {0};
    int len[5] = {0}, rc = 0;
    for (int k = 0; k < 5 && !rc; k++) {
        hsize_t d[2];
        if (k == 4 && H5Lexists(nd->g, "v_reset", H5P_DEFAULT) <= 0)
            break; /* files before NIR 1.0 have no v_reset: reset to 0 */
        if (!(a[k] = get_arr(G, nd, key[k], 1, d, &rc)))
            break;
        len[k] = (int)d[0];
        if (len[k] != n && len[k] != 1)
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): %s has %d entries, the layer %d "
                                     "neurons", G->path, nd->name, key[k], len[k], n);
    }
#define P(k, i) a[k][len[k] == 1 ? 0 : (i)]
    for (int i = 0; i < n && !rc; i++) {
        double tau = P(0, i), r = P(1, i), leak = P(2, i), thr = P(3, i);
        if (!(tau > dt) || !isfinite(tau))
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): tau[%d] = %g is not above dt = %g "
                                     "(alpha = 1 - dt/tau must lie in (0, 1); --dt sets dt)",
                          G->path, nd->name, i, tau, dt);
        else if (a[4] && P(4, i) != 0)
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): v_reset[%d] = %g; sglif resets to 0",
                          G->path, nd->name, i, P(4, i));
        else if (!(thr > 0) || !isfinite(thr))
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): v_threshold[%d] = %g is not positive",
                          G->path, nd->name, i, thr);
        else if (!isfinite(r) || !isfinite(leak))
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): r[%d] or v_leak[%d] is not finite",
                          G->path, nd->name, i, i);
        else if (tau != P(0, 0) || thr != P(3, 0))
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): %s differs between neurons (%g, "
                                     "neuron %d: %g): sglif has one per network", G->path,
                          nd->name, tau != P(0, 0) ? "tau" : "v_threshold",
                          tau != P(0, 0) ? P(0, 0) : P(3, 0), i, tau != P(0, 0) ? tau : thr);
        if (rc)
            break;
        double s = r * dt / tau;
        scale[i] = fabs(s - 1) <= 1e-6 ? 1 : s; /* the exporters' rounding of tau and r */
        shift[i] = dt / tau * leak;
    }
    if (!rc) {
        p->alpha = 1 - dt / P(0, 0);
        p->theta = P(3, 0);
    }
#undef P
    for (int k = 0; k < 5; k++)
        free(a[k]);
    return rc;
}

static int walk(ngraph *G, const sgl_nir_import_opts *o, sgl_net *net)
{
    int in = -1;
    for (int i = 0; i < G->n; i++) {
        const char *why = refusal(G->node[i].type);
        if (why)
            return sgl_fail(SGL_EDATA, "%s: node '%s' (%s): %s", G->path, G->node[i].name,
                            G->node[i].type, why);
        if (strcmp(G->node[i].type, "Input") == 0) {
            if (in >= 0)
                return sgl_fail(SGL_EDATA, "%s: nodes '%s' and '%s': two Input nodes; sglif "
                                           "takes one", G->path, G->node[in].name, G->node[i].name);
            in = i;
        }
    }
    if (in < 0)
        return sgl_fail(SGL_EDATA, "%s: the graph has no Input node", G->path);
    hsize_t d[2];
    int rc = 0;
    double *shp = get_arr(G, &G->node[in], "shape", 1, d, &rc);
    if (!shp)
        return rc;
    int n_in = (int)shp[0];
    if (d[0] != 1 || !(shp[0] >= 1 && shp[0] <= 65536)) {
        free(shp);
        return sgl_fail(SGL_EDATA, "%s: node '%s' (Input): shape must be one size in 1..65536 "
                                   "(1-D input)", G->path, G->node[in].name);
    }
    free(shp);

    dense fc[SGL_MAX_LAYERS + 1] = {0}, rec[SGL_MAX_LAYERS] = {0};
    double *scale[SGL_MAX_LAYERS] = {0}, *shift[SGL_MAX_LAYERS] = {0};
    lifp lp[SGL_MAX_LAYERS];
    int L = 0, cur = in, width = n_in, out = -1, nx = -1;
    const char *curname = G->node[in].name;
    int kin = neighbours(G, in, 0, -1, &nx);
    if (kin != 1)
        rc = sgl_fail(SGL_EDATA, "%s: node '%s' (Input) has %d successors; sglif's layers form "
                                 "one chain", G->path, curname, kin);
    while (!rc) {
        nnode *nd = &G->node[nx];
        int np = -1, kp = neighbours(G, nx, 1, -1, &np);
        if (kp != 1) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s) has %d inputs; sglif takes one",
                          G->path, nd->name, nd->type, kp);
            break;
        }
        if (!is_dense(nd)) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s) follows '%s': sglif expects an Affine "
                                     "or Linear node there%s", G->path, nd->name, nd->type,
                          curname, strcmp(nd->type, "Output") == 0 && L > 0
                                        ? " (a spiking output layer: sglif reads out through "
                                          "an affine map, per step)"
                                        : "");
            break;
        }
        if ((rc = get_dense(G, nd, width, &fc[L])))
            break;
        width = fc[L].n;
        int lif = -1, kl = neighbours(G, nx, 0, -1, &lif);
        if (kl != 1) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s) has %d successors; sglif's layers form "
                                     "one chain", G->path, nd->name, nd->type, kl);
            break;
        }
        nnode *ln = &G->node[lif];
        if (strcmp(ln->type, "Output") == 0) {
            hsize_t ds[2];
            double *os = get_arr(G, ln, "shape", 1, ds, &rc);
            if (os && (ds[0] != 1 || (int)os[0] != width))
                rc = sgl_fail(SGL_EDATA, "%s: node '%s' (Output): shape is not [%d], the size "
                                         "of '%s'", G->path, ln->name, width, nd->name);
            free(os);
            out = lif;
            break;
        }
        if (strcmp(ln->type, "LIF") != 0) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s) follows '%s': sglif expects LIF or "
                                     "Output there", G->path, ln->name, ln->type, nd->name);
            break;
        }
        if (L == SGL_MAX_LAYERS) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): more than %d LIF layers", G->path,
                          ln->name, SGL_MAX_LAYERS);
            break;
        }
        /* the LIF's inputs: the forward node and at most one recurrent dense node */
        int r = -1, nr = 0, fwd = -1, nf = 0;
        for (int e = 0; e < G->ne; e++) {
            if (G->edge[e][1] == lif && G->edge[e][0] != nx) {
                r = G->edge[e][0];
                nr++;
            }
            if (G->edge[e][0] == lif) {
                int s = G->edge[e][1], back = -1;
                int isrec = is_dense(&G->node[s]) && neighbours(G, s, 0, -1, &back) == 1 &&
                            back == lif;
                if (!isrec) {
                    fwd = s;
                    nf++;
                }
            }
        }
        if (nr > 1 || (nr == 1 && !is_dense(&G->node[r]))) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF) has %d inputs besides '%s'; sglif "
                                     "takes one recurrent Affine or Linear node", G->path,
                          ln->name, nr, nd->name);
            break;
        }
        if (nf != 1) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF) has %d forward successors; sglif's "
                                     "layers form one chain", G->path, ln->name, nf);
            break;
        }
        if (nr == 1) {
            int bk = -1, kb = neighbours(G, r, 1, -1, &bk);
            if (kb != 1 || bk != lif) {
                rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s) feeds LIF '%s' but is not fed by it "
                                         "alone: not a recurrent edge", G->path,
                              G->node[r].name, G->node[r].type, ln->name);
                break;
            }
            if ((rc = get_dense(G, &G->node[r], width, &rec[L])))
                break;
            if (rec[L].n != width) {
                rc = sgl_fail(SGL_EDATA, "%s: node '%s' (%s): recurrent weight is %d x %d, not "
                                         "square", G->path, G->node[r].name, G->node[r].type,
                              rec[L].n, width);
                break;
            }
        }
        scale[L] = sgl_calloc((size_t)width, sizeof(double));
        shift[L] = sgl_calloc((size_t)width, sizeof(double));
        if (!scale[L] || !shift[L]) {
            rc = -SGL_ENOMEM;
            break;
        }
        if ((rc = get_lif(G, ln, width, o->dt, &lp[L], scale[L], shift[L])))
            break;
        if (L > 0 && (lp[L].alpha != lp[0].alpha || lp[L].theta != lp[0].theta)) {
            rc = sgl_fail(SGL_EDATA, "%s: node '%s' (LIF): tau or v_threshold differs from the "
                                     "first layer's; sglif has one per network", G->path, ln->name);
            break;
        }
        L++;
        /* continue from the LIF: its forward successor is handled as the next dense node */
        cur = lif;
        curname = ln->name;
        nx = fwd;
    }
    if (!rc && L == 0)
        rc = sgl_fail(SGL_EDATA, "%s: no LIF layer between Input and Output", G->path);
    if (!rc && neighbours(G, out, 0, -1, &cur) != 0)
        rc = sgl_fail(SGL_EDATA, "%s: node '%s' (Output) has successors", G->path,
                      G->node[out].name);
    if (!rc) {
        /* every node of the file must be on the chain */
        int used = 2 + 2 * L + 1;
        for (int l = 0; l < L; l++)
            used += rec[l].w != NULL;
        if (used != G->n)
            rc = sgl_fail(SGL_EDATA, "%s: %d nodes are not on the chain Input -> (Affine -> "
                                     "LIF)... -> Affine -> Output", G->path, G->n - used);
    }
    if (!rc) {
        sgl_config c;
        sgl_config_default(&c);
        c.n_in = n_in;
        c.n_layers = L;
        for (int l = 0; l < L; l++)
            c.n_hidden[l] = fc[l].n;
        c.n_out = fc[L].n;
        c.n_steps = o->n_steps;
        c.tau = -1 / log(lp[0].alpha);
        c.theta = lp[0].theta;
        c.reset = SGL_RESET_MULT;
        if (c.n_out < 2 || !isfinite(c.tau))
            rc = sgl_fail(SGL_EDATA, "%s: the readout has %d outputs (sglif needs 2 or more) or "
                                     "alpha %g is out of range", G->path, c.n_out, lp[0].alpha);
        else if (!(rc = sgl_config_check(&c)) && !(rc = sgl_net_alloc(net, &c))) {
            for (int l = 0; l < L; l++) {
                sgl_layer *ly = &net->layer[l];
                for (int i = 0; i < ly->n; i++) {
                    double s = scale[l][i];
                    for (int j = 0; j < ly->n_pre; j++)
                        ly->w_in[(size_t)j * (size_t)ly->n + (size_t)i] =
                            (real)(s == 1 ? fc[l].w[(size_t)i * (size_t)ly->n_pre + (size_t)j]
                                          : s * fc[l].w[(size_t)i * (size_t)ly->n_pre + (size_t)j]);
                    double b = (fc[l].bias ? fc[l].bias[i] : 0) +
                               (rec[l].bias ? rec[l].bias[i] : 0);
                    ly->bias[i] = (real)(s == 1 && shift[l][i] == 0 ? b : s * b + shift[l][i]);
                    if (rec[l].w)
                        for (int j = 0; j < ly->n; j++)
                            ly->w_rec[(size_t)j * (size_t)ly->n + (size_t)i] =
                                (real)(s * rec[l].w[(size_t)i * (size_t)ly->n + (size_t)j]);
                }
            }
            const int nl = c.n_hidden[L - 1];
            for (int k = 0; k < c.n_out; k++) {
                for (int j = 0; j < nl; j++)
                    net->w_out[(size_t)j * (size_t)c.n_out + (size_t)k] =
                        (real)fc[L].w[(size_t)k * (size_t)nl + (size_t)j];
                net->b_out[k] = (real)(fc[L].bias ? fc[L].bias[k] : 0);
            }
        }
    }
    for (int l = 0; l <= SGL_MAX_LAYERS; l++) {
        free_dense(&fc[l]);
        if (l < SGL_MAX_LAYERS) {
            free_dense(&rec[l]);
            free(scale[l]);
            free(shift[l]);
        }
    }
    return rc;
}

int sgl_nir_import(const char *path, const sgl_nir_import_opts *o, sgl_net *net)
{
    memset(net, 0, sizeof *net);
    if (!(o->dt > 0) || !isfinite(o->dt))
        return sgl_fail(SGL_EUSAGE, "nir import: dt %g is not a positive number", o->dt);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0)
        return sgl_fail(SGL_EIO, "%s: cannot be opened", path);
    ngraph *G = sgl_calloc(1, sizeof *G);
    if (!G)
        return -SGL_ENOMEM;
    G->path = path;
    G->f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int rc = 0;
    char type[32];
    if (G->f < 0)
        rc = sgl_fail(SGL_EDATA, "%s: not an HDF5 file", path);
    else if (get_str(G->f, "node/type", type, sizeof type) || strcmp(type, "NIRGraph") != 0)
        rc = sgl_fail(SGL_EDATA, "%s: /node/type is not 'NIRGraph': not a NIR file", path);
    else if ((G->nodes = H5Gopen2(G->f, "/node/nodes", H5P_DEFAULT)) < 0)
        rc = sgl_fail(SGL_EDATA, "%s: /node/nodes is missing", path);
    else if (LINK_ITERATE(G->nodes, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, G) < 0)
        rc = sgl_fail(SGL_EDATA, "%s: more than %d nodes or a name longer than %d", path,
                      MAX_NODES, NAME_MAX_LEN - 1);
    if (!rc)
        rc = read_edges(G);
    if (!rc)
        rc = walk(G, o, net);
    for (int i = 0; i < G->n; i++)
        if (G->node[i].g >= 0)
            H5Gclose(G->node[i].g);
    if (G->nodes > 0)
        H5Gclose(G->nodes);
    if (G->f >= 0)
        H5Fclose(G->f);
    free(G->edge);
    free(G);
    if (rc && net->params)
        sgl_net_free(net);
    return rc;
}
