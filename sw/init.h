/* SPDX-License-Identifier: MIT */
/* Weight initialization: glorot, orthogonal, and `stable` = the paper's Conditions I-IV, which
 * also choose the SG's dampening (per neuron) and sharpness (or tail-fatness). */
#ifndef SGLIF_INIT_H
#define SGLIF_INIT_H

#include "net.h"
#include "rng.h"

typedef enum { SGL_INIT_GLOROT = 0, SGL_INIT_ORTHOGONAL, SGL_INIT_STABLE } sgl_init_kind;

/* Which of the Conditions to apply with SGL_INIT_STABLE (bit mask, for the ablation study). */
enum {
    SGL_COND_I = 1,   /* mean of W_rec */
    SGL_COND_II = 2,  /* variance of W_rec */
    SGL_COND_III = 4, /* per-neuron dampening */
    SGL_COND_IV = 8,  /* sharpness (tail-fatness for q-pseudospike) */
    SGL_COND_ALL = 15
};

/* What Conditions I-IV chose, per hidden layer (for `sglif init` and the logs). */
typedef struct {
    double mu_rec, var_rec;          /* Conditions I and II */
    double gamma_mean, gamma_min, gamma_max; /* Condition III over the neurons */
    double beta;                     /* Condition IV (sharpness) */
    double q;                        /* Condition IV for q-pseudospike, else the config's q */
    double y_min, y_max;             /* reachable voltage range used by Condition IV */
} sgl_init_report;

int sgl_init_parse(const char *name); /* "glorot" | "orthogonal" | "stable", -1 otherwise */
const char *sgl_init_name(int kind);

/* Initialize every parameter of net. Input statistics (mean and variance of a binary input
 * channel per step) are needed by Condition II for the first layer; spiking layers above use
 * mean 1/2, variance 1/4. With SGL_INIT_STABLE, net->cfg.sg.beta (or .q) is overwritten by
 * Condition IV (averaged over neurons and layers) and layer gamma arrays by Condition III.
 * report may be NULL or an array of cfg.n_layers entries. */
int sgl_init_net(sgl_net *net, int kind, unsigned conds, double in_mean, double in_var,
                 sgl_rng *rng, sgl_init_report *report);

/* The closed forms, exposed for tests (n = layer width, alpha decay, theta threshold). */
double sgl_cond1_mu_rec(sgl_reset reset, double alpha, double theta, int n);
double sgl_cond2_var_rec(double in_mean, double in_var, double var_in, int n_in, int n,
                         double mu_rec);
/* Condition III for one neuron from its incoming recurrent weight column. */
double sgl_cond3_gamma(sgl_reset reset, double alpha, double theta, double s_plus,
                       double s_minus);
/* Condition IV: the beta (or q if solve_q) giving unit gradient variance, given E[W_rec^2],
 * the voltage range [y_min, y_max] and gamma. Returns NaN if no root exists in the bracket. */
double sgl_cond4_solve(const sgl_sg *sg, sgl_reset reset, double alpha, double theta, int n,
                       double ew2, double y_min, double y_max, int solve_q);

#endif
