/* SPDX-License-Identifier: MIT */
/* The reference of rtl/sglif_err_unit.v (bwd_ref.h): the twin's own readout error,
 * sgl_fixed_softmax_error (docs/numerics.md, "Readout error"), steps 1-5; its loss, step 6,
 * is not compared (the unit does not compute it). */
#include "bwd_ref.h"
#include "fixed_train.h"

void sgl_softmax_error_ref(const int32_t *acc, int C, int out_frac, int label, int GF,
                           int32_t *err)
{
    (void)sgl_fixed_softmax_error(acc, C, out_frac, label, GF, err);
}
