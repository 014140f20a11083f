// SPDX-License-Identifier: MIT
// make upd-test (its Icarus part): vectors for sim/tb_upd.v. Random tensors (sim/upd_gen.h) of
// up to 2^KW x 2^PW entries, GRAD_W-bit gradient words (rtl/core_map.csv), each with the twin's result
// (sgl_fixed_update_tensor, one PCG32 stream seeded as the trainer's rounding stream) and the
// cycles of the formula. Usage: upd_vectors SEED TENSORS FILE KW PW. The file, hex: the tensor
// count; the stream's state and increment; per tensor `K P wide diag row_norm b2 S wd lr cycles`,
// K P lines `G m mom wq` (the RAMs before), K P lines `m mom wq` (after), `clamps state inc`.
// Exit 2 on a bad command line, 1 when the file cannot be written.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "upd_gen.h"

extern "C" {
#include "fixed_train.h"
}

int main(int argc, char **argv)
{
    if (argc != 6 || atoi(argv[2]) < 1 || atoi(argv[4]) < 1 || atoi(argv[5]) < 1) {
        fprintf(stderr, "usage: upd_vectors SEED TENSORS FILE KW PW\n");
        return 2;
    }
    const uint64_t seed = strtoull(argv[1], nullptr, 10);
    const int count = atoi(argv[2]), kw = atoi(argv[4]), pw = atoi(argv[5]), gw = SGL_GRAD_W;
    FILE *f = fopen(argv[3], "w");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    sgl_rng in, r;
    sgl_rng_seed(&in, seed, 0x757064);       // "upd"
    sgl_rng_seed(&r, seed, 0x73726f756e64);  // "sround"
    fprintf(f, "%x\n%016" PRIx64 " %016" PRIx64 "\n", count, r.state, r.inc);
    const uint64_t gmask = gw >= 64 ? ~0ull : (1ull << gw) - 1;
    for (int k = 0; k < count; k++) {
        Tensor t;
        random_tensor(t, &in, kw, pw, gw);
        const size_t n = t.K * t.P;
        fprintf(f, "%zx %zx %x %x %x %x %x %x %08x %" PRIx64 "\n", t.K, t.P, t.wide, t.diag,
                t.row_norm, t.b2, t.S & 0x7f, t.wd, (uint32_t)t.lr, upd_cycles(t));
        std::vector<int16_t> m16(n), w16(n);
        std::vector<int32_t> m32(n);
        std::vector<int8_t> w8(n);
        std::vector<int64_t> nu(t.P);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%" PRIx64 " %08x %04x %04x\n", (uint64_t)t.G[i] & gmask, (uint32_t)t.m[i],
                    (uint16_t)t.mom[i], (uint16_t)t.wq[i]);
            m16[i] = (int16_t)t.m[i];
            m32[i] = t.m[i];
            w16[i] = t.wq[i];
            w8[i] = (int8_t)t.wq[i];
        }
        long clamped = 0;
        sgl_fixed_update_tensor(t.wide ? (void *)m32.data() : (void *)m16.data(), t.mom.data(),
                                t.wide ? (void *)w16.data() : (void *)w8.data(), t.K, t.P, t.G.data(),
                                t.S, t.wd, t.wide, t.diag, t.row_norm, t.b2, t.lr, &r, &clamped, nu.data());
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%08x %04x %04x\n", (uint32_t)(t.wide ? m32[i] : m16[i]), (uint16_t)t.mom[i],
                    (uint16_t)(t.wide ? w16[i] : w8[i]));
        fprintf(f, "%lx %016" PRIx64 " %016" PRIx64 "\n", clamped, r.state, r.inc);
    }
    if (fclose(f)) {
        perror(argv[3]);
        return 1;
    }
    return 0;
}
