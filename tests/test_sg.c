/* SPDX-License-Identifier: MIT */
/* Suite "sg": the seven surrogate-gradient shapes against formulas written out again here,
 * their areas and squared integrals against numerical integration, the q-pseudospike limits,
 * the smooth test mode, and the hardware lookup table. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "common.h"
#include "sg.h"

#define PI_T 3.14159265358979323846

/* ---- independent formulas (paper.md table, written in x, not through the library's u) ---- */
static double sigm(double w) { return 1.0 / (1.0 + exp(-w)); }

static double ref_sg(int shape, double g, double b, double q, double x)
{
    switch (shape) {
    case SGL_SG_TRIANGULAR: return g * fmax(1.0 - fabs(b * x), 0.0);
    case SGL_SG_EXPONENTIAL: return g * exp(-2.0 * fabs(b * x));
    case SGL_SG_GAUSSIAN: return g * exp(-PI_T * (b * x) * (b * x));
    case SGL_SG_RECTANGULAR: return fabs(2.0 * b * x) < 1.0 ? g : 0.0;
    case SGL_SG_SIGMOID: return 4.0 * g * sigm(4.0 * b * x) * (1.0 - sigm(4.0 * b * x));
    case SGL_SG_FAST_SIGMOID: return g / pow(1.0 + fabs(2.0 * b * x), 2.0);
    case SGL_SG_Q_PSEUDOSPIKE: return g * pow(1.0 + 2.0 * fabs(b * x) / (q - 1.0), -q);
    default: return NAN;
    }
}

/* ---- adaptive Simpson in double, on x = sinh(s) so that power-law tails decay ---- */
typedef struct {
    const sgl_sg *sg;
    int square;
} integrand;

static double f_s(const integrand *in, double s)
{
    double x = sinh(s);
    double v = ref_sg(in->sg->shape, in->sg->gamma, in->sg->beta, in->sg->q, x);
    if (in->square)
        v *= v;
    return v * cosh(s);
}

static double simpson_rec(const integrand *in, double a, double b, double fa, double fm, double fb,
                          double whole, double tol, int depth)
{
    double m = 0.5 * (a + b), lm = 0.5 * (a + m), rm = 0.5 * (m + b);
    double flm = f_s(in, lm), frm = f_s(in, rm);
    double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
    double right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
    double d = left + right - whole;
    if (depth <= 0 || (depth < 34 && fabs(d) <= 15.0 * tol)) /* at least 6 levels */
        return left + right + d / 15.0;
    return simpson_rec(in, a, m, fa, flm, fm, left, tol / 2, depth - 1) +
           simpson_rec(in, m, b, fm, frm, fb, right, tol / 2, depth - 1);
}

static double simpson(const integrand *in, double a, double b, double tol)
{
    double fa = f_s(in, a), fb = f_s(in, b), fm = f_s(in, 0.5 * (a + b));
    double whole = (b - a) / 6.0 * (fa + 4.0 * fm + fb);
    return simpson_rec(in, a, b, fa, fm, fb, whole, tol, 40);
}

/* Integral of SG (or SG^2) over x in [xa, xb], xa < xb, split at the shapes' kinks and jumps. */
static double integrate(const sgl_sg *sg, int square, double xa, double xb)
{
    integrand in = {sg, square};
    double br[16];
    int nb = 0;
    br[nb++] = xa;
    double cand[] = {-1.0 / sg->beta, -0.5 / sg->beta, 0.0, 0.5 / sg->beta, 1.0 / sg->beta};
    for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++)
        if (cand[k] > xa && cand[k] < xb)
            br[nb++] = cand[k];
    br[nb++] = xb;
    double sum = 0;
    for (int k = 0; k + 1 < nb; k++)
        sum += simpson(&in, asinh(br[k]), asinh(br[k + 1]), 1e-14);
    return sum;
}

static const double test_x[] = {-2.0, -0.7, -0.3, -0.05, 0.0, 0.1, 0.3846, 0.45, 1.3, 4.0};

Test(sg, names_round_trip)
{
    const char *names[] = {"triangular", "exponential", "gaussian", "rectangular",
                           "sigmoid", "fast-sigmoid", "q-pseudospike"};
    for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
        cr_assert_eq(sgl_sg_parse(names[k]), k, "%s", names[k]);
        cr_assert_str_eq(sgl_sg_name(k), names[k]);
    }
    cr_assert_eq(sgl_sg_parse("smooth-test"), SGL_SG_SMOOTH_TEST);
    cr_assert_str_eq(sgl_sg_name(SGL_SG_SMOOTH_TEST), "smooth-test");
    cr_assert_eq(sgl_sg_parse("fast_sigmoid"), -1);
    cr_assert_eq(sgl_sg_parse(""), -1);
    cr_assert_eq(sgl_sg_parse(NULL), -1);
    cr_assert_str_eq(sgl_sg_name(42), "unknown");
}

Test(sg, values_match_formulas)
{
    const double knobs[][3] = {{0.7, 1.3, 3.0}, {1.0, 1.0, 2.0}, {0.25, 0.5, 1.2}, {1.5, 1.5, 16.85}};
    for (size_t c = 0; c < SGL_ARRAY_LEN(knobs); c++)
        for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
            sgl_sg s = {(sgl_sg_shape)k, knobs[c][0], knobs[c][1], knobs[c][2]};
            for (size_t i = 0; i < SGL_ARRAY_LEN(test_x); i++) {
                double x = test_x[i];
                double want = ref_sg(k, s.gamma, s.beta, s.q, x);
                double got = sgl_sg_value(&s, x);
                cr_assert(fabs(got - want) <= 1e-14 * fmax(1.0, fabs(want)),
                          "%s(%g) gamma %g beta %g q %g: %.17g != %.17g", sgl_sg_name(k), x,
                          s.gamma, s.beta, s.q, got, want);
                double unit = sgl_sg_unit(k, s.beta, s.q, x);
                cr_assert(fabs(unit * s.gamma - want) <= 1e-14 * fmax(1.0, fabs(want)));
            }
        }
}

Test(sg, a_few_values_by_hand)
{
    /* gamma 0.5, beta 2, x 0.25: beta x = 0.5 */
    sgl_sg s = {SGL_SG_TRIANGULAR, 0.5, 2.0, 3.0};
    cr_assert_float_eq(sgl_sg_value(&s, 0.25), 0.25, 1e-15); /* 0.5 (1 - 0.5) */
    s.shape = SGL_SG_EXPONENTIAL;
    cr_assert_float_eq(sgl_sg_value(&s, 0.25), 0.5 * exp(-1.0), 1e-15);
    s.shape = SGL_SG_FAST_SIGMOID;
    cr_assert_float_eq(sgl_sg_value(&s, 0.25), 0.125, 1e-15); /* 0.5 / (1 + 1)^2 */
    s.shape = SGL_SG_RECTANGULAR;
    cr_assert_float_eq(sgl_sg_value(&s, 0.2499), 0.5, 1e-15);
    cr_assert_float_eq(sgl_sg_value(&s, 0.25), 0.0, 1e-15); /* |2 beta x| = 1 is outside */
    s.shape = SGL_SG_Q_PSEUDOSPIKE;
    cr_assert_float_eq(sgl_sg_value(&s, 0.25), 0.5 * pow(1.5, -3.0), 1e-15); /* (1 + 1/2)^-3 */
}

Test(sg, height_is_gamma)
{
    for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
        sgl_sg s = {(sgl_sg_shape)k, 0.37, 1.7, 2.5};
        cr_assert_float_eq(sgl_sg_value(&s, 0.0), 0.37, 1e-15, "%s", sgl_sg_name(k));
        cr_assert_float_eq(sgl_sg_unit(k, 1.7, 2.5, 0.0), 1.0, 1e-15);
    }
}

Test(sg, area_is_gamma_over_beta)
{
    const double knobs[][3] = {{0.7, 1.3, 3.0}, {1.25, 0.5, 1.5}, {0.25, 1.5, 5.0}};
    for (size_t c = 0; c < SGL_ARRAY_LEN(knobs); c++)
        for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
            sgl_sg s = {(sgl_sg_shape)k, knobs[c][0], knobs[c][1], knobs[c][2]};
            /* x = sinh(s) over |s| <= 90 reaches |x| ~ 6e38: the q = 1.5 tail left out is
             * below 1e-19 of the area */
            double num = integrate(&s, 0, -sinh(90.0), sinh(90.0));
            double want = s.gamma / s.beta;
            cr_assert(fabs(num - want) <= 1e-6 * want, "%s q %g: numeric area %.10g, gamma/beta %.10g",
                      sgl_sg_name(k), s.q, num, want);
            cr_assert_float_eq(sgl_sg_area(&s), want, 1e-15 * want);
        }
}

Test(sg, squared_integral_matches_numeric)
{
    const double iv[][2] = {{-3.0, 2.0}, {0.2, 5.0},  {-0.1, 0.1}, {-50.0, -0.3},
                            {-0.4, 0.9}, {1.0, 40.0}, {-7.0, 7.0}};
    const double knobs[][3] = {{0.7, 1.3, 3.0}, {1.0, 0.5, 1.3}};
    for (size_t c = 0; c < SGL_ARRAY_LEN(knobs); c++)
        for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
            sgl_sg s = {(sgl_sg_shape)k, knobs[c][0], knobs[c][1], knobs[c][2]};
            for (size_t i = 0; i < SGL_ARRAY_LEN(iv); i++) {
                double a = iv[i][0], b = iv[i][1];
                double num = integrate(&s, 1, a, b);
                double got = sgl_sg_sq_integral(&s, a, b);
                cr_assert(fabs(got - num) <= 1e-9 * fmax(num, 1e-6),
                          "%s on [%g, %g]: closed form %.12g, numeric %.12g", sgl_sg_name(k), a,
                          b, got, num);
                /* reversed interval: the signed integral */
                cr_assert_float_eq(sgl_sg_sq_integral(&s, b, a), -got, 1e-15 + 1e-14 * num);
            }
            cr_assert_eq(sgl_sg_sq_integral(&s, 1.5, 1.5), 0.0);
            /* the whole line, with infinite ends */
            double all = sgl_sg_sq_integral(&s, -INFINITY, INFINITY);
            double num = integrate(&s, 1, -sinh(90.0), sinh(90.0));
            cr_assert(fabs(all - num) <= 1e-9 * num, "%s whole line %.12g vs %.12g",
                      sgl_sg_name(k), all, num);
        }
}

Test(sg, squared_integral_closed_values)
{
    /* Whole-line integrals of SG^2 by hand, gamma 1, beta 1:
     * triangular 2/3; exponential 2 * 1/4; gaussian 1/sqrt(2); rectangular 1;
     * sigmoid 2 * 4 * (1/6 - 1/12) = 2/3; fast-sigmoid 2 * 1/6 = 1/3;
     * q-pseudospike q = 3: 2 * (q-1)/(2(2q-1)) = 2/5. */
    const double want[SGL_SG_N_SHAPES] = {2.0 / 3, 0.5, 1.0 / sqrt(2.0), 1.0, 2.0 / 3, 1.0 / 3, 0.4};
    for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
        sgl_sg s = {(sgl_sg_shape)k, 1.0, 1.0, 3.0};
        cr_assert_float_eq(sgl_sg_sq_integral(&s, -INFINITY, INFINITY), want[k], 1e-14, "%s",
                           sgl_sg_name(k));
        /* gamma^2 / beta scaling */
        sgl_sg t = {(sgl_sg_shape)k, 0.5, 2.0, 3.0};
        cr_assert_float_eq(sgl_sg_sq_integral(&t, -INFINITY, INFINITY), want[k] * 0.25 / 2.0,
                           1e-14);
    }
}

Test(sg, q2_is_fast_sigmoid_and_large_q_is_exponential)
{
    sgl_sg q2 = {SGL_SG_Q_PSEUDOSPIKE, 0.8, 1.1, 2.0};
    sgl_sg fs = {SGL_SG_FAST_SIGMOID, 0.8, 1.1, 0.0};
    sgl_sg qb = {SGL_SG_Q_PSEUDOSPIKE, 0.8, 1.1, 1e4};
    sgl_sg ex = {SGL_SG_EXPONENTIAL, 0.8, 1.1, 0.0};
    for (double x = -3.0; x <= 3.0; x += 0.0625) {
        double a = sgl_sg_value(&q2, x), b = sgl_sg_value(&fs, x);
        cr_assert(fabs(a - b) <= 1e-15 * b + 1e-300, "x %g: q=2 %.17g fast-sigmoid %.17g", x, a, b);
        /* log ratio ~ (2u^2 - 2u)/q with u = beta |x| <= 3.3: below 2e-3 */
        double c = sgl_sg_value(&qb, x), d = sgl_sg_value(&ex, x);
        cr_assert(fabs(c / d - 1.0) < 2e-3, "x %g: q=1e4 %.10g exponential %.10g", x, c, d);
    }
    cr_assert_float_eq(sgl_sg_sq_integral(&q2, -1.0, 2.5), sgl_sg_sq_integral(&fs, -1.0, 2.5),
                       1e-15);
    double e1 = sgl_sg_sq_integral(&qb, -2.0, 1.0), e2 = sgl_sg_sq_integral(&ex, -2.0, 1.0);
    cr_assert(fabs(e1 / e2 - 1.0) < 1e-3, "q=1e4 %.10g vs exponential %.10g", e1, e2);
}

Test(sg, smooth_test_is_the_derivative_of_its_forward)
{
    sgl_sg s = {SGL_SG_SMOOTH_TEST, 0.3, 1.7, 2.0}; /* gamma is ignored */
    for (size_t i = 0; i < SGL_ARRAY_LEN(test_x); i++) {
        double x = test_x[i], h = 1e-5;
        double fd = (sigm(4.0 * s.beta * (x + h)) - sigm(4.0 * s.beta * (x - h))) / (2.0 * h);
        double v = sgl_sg_value(&s, x);
        cr_assert(fabs(v - fd) < 1e-8, "x %g: %.12g vs finite difference %.12g", x, v, fd);
        cr_assert_float_eq(sgl_sg_unit(SGL_SG_SMOOTH_TEST, s.beta, s.q, x), v, 1e-15);
    }
    cr_assert_float_eq(sgl_sg_area(&s), 1.0, 1e-15); /* sigma goes from 0 to 1 */
    cr_assert_float_eq(sgl_sg_sq_integral(&s, -INFINITY, INFINITY), 1.7 * 2.0 / 3.0, 1e-14);
}

/* ---- lookup table ---- */

Test(sg, lut_codes_follow_the_formula)
{
    const int bits_list[] = {1, 4, 8, 12, 16};
    for (int k = 0; k < SGL_SG_N_SHAPES; k++)
        for (size_t b = 0; b < SGL_ARRAY_LEN(bits_list); b++) {
            int bits = bits_list[b];
            sgl_sg s = {(sgl_sg_shape)k, 0.6, 1.25, 1.9};
            sgl_sg_lut lut;
            cr_assert_eq(sgl_sg_lut_make(&lut, &s, 256, bits, 0.0), 0, "%s", sgl_errmsg());
            cr_assert_eq(lut.entries, 256);
            cr_assert_eq(lut.bits, bits);
            cr_assert_float_eq(lut.range, sgl_sg_lut_range(&s, bits), 1e-15);
            double full = pow(2.0, bits) - 1.0;
            for (int i = 0; i < 256; i++) {
                double x = -lut.range + (i + 0.5) * 2.0 * lut.range / 256;
                cr_assert_float_eq(lut.x[i], x, 1e-14);
                double sg = ref_sg(k, s.gamma, s.beta, s.q, x);
                cr_assert_float_eq(lut.sg[i], sg, 1e-14);
                cr_assert_eq(lut.code[i], (uint32_t)round(sg / s.gamma * full), "%s bits %d i %d",
                             sgl_sg_name(k), bits, i);
                cr_assert_leq(lut.code[i], (uint32_t)full);
                /* symmetric, and rising up to the centre */
                cr_assert_eq(lut.code[i], lut.code[255 - i]);
                if (i > 0 && i < 128)
                    cr_assert_geq(lut.code[i], lut.code[i - 1]);
            }
            /* the peak is at the centre bins (their code is the largest of the table) */
            for (int i = 0; i < 256; i++)
                cr_assert_leq(lut.code[i], lut.code[128]);
            if (bits >= 4)
                cr_assert_gt(lut.code[128], 0, "%s", sgl_sg_name(k));
            sgl_sg_lut_free(&lut);
            cr_assert_null(lut.code);
        }
}

Test(sg, lut_default_range)
{
    for (int k = 0; k < SGL_SG_N_SHAPES; k++) {
        sgl_sg s = {(sgl_sg_shape)k, 1.0, 2.0, 1.5};
        for (int bits = 1; bits <= 16; bits++) {
            double r = sgl_sg_lut_range(&s, bits);
            double eps = pow(2.0, -(bits + 1));
            cr_assert(r > 0 && r <= 64.0 / s.beta, "%s bits %d range %g", sgl_sg_name(k), bits, r);
            if (r < 64.0 / s.beta) /* past the range, the SG rounds to code 0 */
                cr_assert_leq(sgl_sg_unit(k, s.beta, s.q, r * 1.0000001), eps, "%s", sgl_sg_name(k));
        }
    }
    sgl_sg rect = {SGL_SG_RECTANGULAR, 1.0, 2.0, 2.0};
    cr_assert_float_eq(sgl_sg_lut_range(&rect, 8), 0.5, 1e-15); /* twice the support 1/(2 beta) */
    sgl_sg ex = {SGL_SG_EXPONENTIAL, 1.0, 2.0, 2.0};
    /* exp(-2 beta r) = 2^-9  ->  r = 9 ln 2 / (2 beta) */
    cr_assert_float_eq(sgl_sg_lut_range(&ex, 8), 9.0 * log(2.0) / 4.0, 1e-12);
    sgl_sg fat = {SGL_SG_Q_PSEUDOSPIKE, 1.0, 1.0, 1.001};
    cr_assert_float_eq(sgl_sg_lut_range(&fat, 16), 64.0, 1e-12); /* capped */

    /* an explicit range is used as given */
    sgl_sg_lut lut;
    cr_assert_eq(sgl_sg_lut_make(&lut, &ex, 4, 8, 2.0), 0);
    cr_assert_float_eq(lut.x[0], -1.5, 1e-15);
    cr_assert_float_eq(lut.x[3], 1.5, 1e-15);
    cr_assert_eq(lut.code[1], (uint32_t)round(exp(-2.0 * 2.0 * 0.5) * 255)); /* x = -0.5 */
    sgl_sg_lut_free(&lut);
}

Test(sg, lut_rejects_bad_arguments)
{
    sgl_sg s = {SGL_SG_FAST_SIGMOID, 1.0, 1.0, 2.0};
    sgl_sg_lut lut;
    const int bad_entries[] = {0, 1, 3, 100, 131072, -4};
    for (size_t i = 0; i < SGL_ARRAY_LEN(bad_entries); i++) {
        cr_assert_eq(sgl_sg_lut_make(&lut, &s, bad_entries[i], 8, 0), -SGL_EUSAGE);
        cr_assert(strstr(sgl_errmsg(), "entries") != NULL, "%s", sgl_errmsg());
        cr_assert_null(lut.x);
    }
    cr_assert_eq(sgl_sg_lut_make(&lut, &s, 65536, 16, 0), 0);
    sgl_sg_lut_free(&lut);
    cr_assert_eq(sgl_sg_lut_make(&lut, &s, 2, 1, 0), 0);
    sgl_sg_lut_free(&lut);
    cr_assert_eq(sgl_sg_lut_make(&lut, &s, 64, 0, 0), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "bits") != NULL, "%s", sgl_errmsg());
    cr_assert_eq(sgl_sg_lut_make(&lut, &s, 64, 17, 0), -SGL_EUSAGE);
    cr_assert_eq(sgl_sg_lut_make(&lut, &s, 64, 8, NAN), -SGL_EUSAGE);
    cr_assert_eq(sgl_sg_lut_make(NULL, &s, 64, 8, 0), -SGL_EUSAGE);
    cr_assert_eq(sgl_sg_lut_make(&lut, NULL, 64, 8, 0), -SGL_EUSAGE);
    sgl_sg bad = s;
    bad.gamma = 0;
    cr_assert_eq(sgl_sg_lut_make(&lut, &bad, 64, 8, 0), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "gamma") != NULL, "%s", sgl_errmsg());
    bad = s;
    bad.beta = -1;
    cr_assert_eq(sgl_sg_lut_make(&lut, &bad, 64, 8, 0), -SGL_EUSAGE);
    bad = s;
    bad.shape = SGL_SG_Q_PSEUDOSPIKE;
    bad.q = 1.0;
    cr_assert_eq(sgl_sg_lut_make(&lut, &bad, 64, 8, 0), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "q =") != NULL, "%s", sgl_errmsg());
    bad = s;
    bad.shape = SGL_SG_SMOOTH_TEST;
    cr_assert_eq(sgl_sg_lut_make(&lut, &bad, 64, 8, 0), -SGL_EUSAGE);
    cr_assert(strstr(sgl_errmsg(), "sgl_sg_lut_make") != NULL, "%s", sgl_errmsg());
}
