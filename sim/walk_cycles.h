/* SPDX-License-Identifier: MIT */
/* The backward walk's cycle formula (rtl/sglif_bwd_walk.v, docs/rtl.md "The gradient
 * memories"), the one copy for its harnesses (sim/walk_test.cpp, sim/walk_vectors.c,
 * sim/acc_gen.h): a step's gathers and neuron, the accumulation of a step after the walk, and
 * the spike rows the accumulation takes in lock step with the walk's rows. C and C++; include
 * after sglif_core_map.h. */
#ifndef SGLIF_SIM_WALK_CYCLES_H
#define SGLIF_SIM_WALK_CYCLES_H

#include <stddef.h>
#include <stdint.h>

static int wc_log2i(int x)
{
    int b = 0;
    while ((1 << b) < x)
        b++;
    return b;
}

/* A step of the walk from its start (S_ERR, e_t read) to its last gv: the gathers and the
 * neuron (WALK_STEP_EXTRA), n neurons of gn words, P lanes, CP classes (padded). */
static uint64_t wc_step_cycles(int n, int gn, int P, int CP)
{
    int a = n * gn + wc_log2i(P) + SGL_GATHER_LAT, b = (n - 1) * gn + wc_log2i(CP) + SGL_GATHER_LAT + 1;
    return (uint64_t)((a > b ? a : b) + SGL_WALK_STEP_EXTRA);
}

/* The spike rows of zt (the spikes of the step being walked, n neurons) that the accumulation
 * of the step above takes in lock step with the walk's rows: a row at the start of neuron k's
 * gn words when a spike listed before is not yet taken; spike j is listed when its history
 * word arrives (hlat cycles after its neuron's first word) and seen at the start of neuron k
 * when j gn + hlat + ACC_LOCK_SEE <= k gn. */
static int wc_lock_rows(const uint8_t *zt, int n, int gn, int hlat)
{
    int taken = 0, seen = 0, j = 0;
    for (int k = 0; k < n; k++) {
        for (; j < n && j * gn + hlat + SGL_ACC_LOCK_SEE <= k * gn; j++)
            seen += zt[j] != 0;
        taken += seen > taken;
    }
    return taken;
}

/* The accumulation of step t after the walk of step t - 1: ACC_STEP_FIXED, its ev input
 * events' rows (ACC_EV_EXTRA) and the rows of the spikes of step t - 1 (z [T][n]) the lock
 * step left (none at t = 0). */
static uint64_t wc_acc_cycles(const uint8_t *z, int n, int gn, int hlat, int t, int ev)
{
    uint64_t c = SGL_ACC_STEP_FIXED + (uint64_t)ev * (uint64_t)(gn + SGL_ACC_EV_EXTRA);
    if (t > 0) {
        const uint8_t *zp = z + (size_t)(t - 1) * (size_t)n;
        int s = 0;
        for (int j = 0; j < n; j++)
            s += zp[j] != 0;
        c += (uint64_t)(s - wc_lock_rows(zp, n, gn, hlat)) * (uint64_t)gn;
    }
    return c;
}

/* The walk's cycles from start_i to done_o: the gv rows' clear (2^(GW+1) words), WALK_FIXED, T
 * steps and T accumulations; ev [T] the input events of each step (NULL: none), hlat the
 * history's latency. */
static uint64_t wc_walk_cycles(int n, int T, int P, int GW, int CP, int hlat, const uint8_t *z,
                               const int *ev)
{
    const int gn = (n - 1) / P + 1;
    uint64_t c = ((uint64_t)1 << (GW + 1)) + SGL_WALK_FIXED + (uint64_t)T * wc_step_cycles(n, gn, P, CP);
    for (int t = 0; t < T; t++)
        c += wc_acc_cycles(z, n, gn, hlat, t, ev ? ev[t] : 0);
    return c;
}

#endif
