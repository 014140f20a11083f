/* SPDX-License-Identifier: MIT */
/* Model files: round trip, and every kind of damage refused with a message naming the file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "rng.h"

static void make_net(sgl_net *net)
{
    sgl_config c;
    sgl_config_default(&c);
    c.n_in = 7;
    c.n_layers = 2;
    c.n_hidden[0] = 9;
    c.n_hidden[1] = 5;
    c.n_out = 3;
    c.n_steps = 11;
    c.alif = 1;
    c.reset = SGL_RESET_MULT;
    c.sg.shape = SGL_SG_Q_PSEUDOSPIKE;
    c.sg.q = 1.7;
    cr_assert_eq(sgl_net_alloc(net, &c), 0);
    sgl_rng r;
    sgl_rng_seed(&r, 99, 0);
    for (size_t i = 0; i < net->n_params; i++)
        net->params[i] = (real)(sgl_rng_uniform(&r) - 0.5);
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < net->layer[l].n; i++)
            net->layer[l].gamma[i] = (real)(0.1 + 0.01 * i);
}

static char path[256];

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/sglif-test-model-%d.sgl", (int)getpid());
}

static void teardown(void) { remove(path); }

TestSuite(model, .init = setup, .fini = teardown);

Test(model, round_trip_is_exact)
{
    sgl_net a, b;
    make_net(&a);
    cr_assert_eq(sgl_model_save(path, &a, "data: test\n"), 0, "%s", sgl_errmsg());
    char *meta = NULL;
    cr_assert_eq(sgl_model_load(path, &b, &meta), 0, "%s", sgl_errmsg());
    cr_assert_str_eq(meta, "data: test\n");
    cr_assert_eq(memcmp(&a.cfg, &b.cfg, sizeof a.cfg), 0);
    cr_assert_eq(a.n_params, b.n_params);
    for (size_t i = 0; i < a.n_params; i++)
        cr_assert_eq((float)a.params[i], (float)b.params[i]);
    for (int l = 0; l < 2; l++)
        cr_assert_eq(memcmp(a.layer[l].gamma, b.layer[l].gamma, sizeof(real) * (size_t)a.layer[l].n), 0);
    free(meta);
    sgl_net_free(&a);
    sgl_net_free(&b);
}

static long file_size(const char *p)
{
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void expect_refused(const char *want)
{
    sgl_net b;
    int rc = sgl_model_load(path, &b, NULL);
    cr_assert_eq(rc, -SGL_EDATA, "rc %d: %s", rc, sgl_errmsg());
    cr_assert(strstr(sgl_errmsg(), path) != NULL, "message does not name the file: %s",
              sgl_errmsg());
    cr_assert(strstr(sgl_errmsg(), want) != NULL, "message '%s' lacks '%s'", sgl_errmsg(), want);
}

Test(model, truncated_file_refused_at_every_length)
{
    sgl_net a;
    make_net(&a);
    cr_assert_eq(sgl_model_save(path, &a, NULL), 0);
    long n = file_size(path);
    unsigned char *buf = malloc((size_t)n);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    for (long len = 0; len < n; len += (len < 64 ? 1 : 37)) {
        f = fopen(path, "wb");
        fwrite(buf, 1, (size_t)len, f);
        fclose(f);
        sgl_net b;
        int rc = sgl_model_load(path, &b, NULL);
        cr_assert_eq(rc, -SGL_EDATA, "length %ld accepted", len);
        cr_assert(strstr(sgl_errmsg(), path) != NULL);
    }
    free(buf);
    sgl_net_free(&a);
}

Test(model, every_flipped_byte_refused)
{
    sgl_net a;
    make_net(&a);
    cr_assert_eq(sgl_model_save(path, &a, "x"), 0);
    long n = file_size(path);
    unsigned char *buf = malloc((size_t)n);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    int refused = 0;
    for (long i = 0; i < n; i++) {
        buf[i] ^= 0x10;
        f = fopen(path, "wb");
        fwrite(buf, 1, (size_t)n, f);
        fclose(f);
        buf[i] ^= 0x10;
        sgl_net b;
        int rc = sgl_model_load(path, &b, NULL);
        cr_assert_neq(rc, 0, "byte %ld altered and accepted", i);
        refused++;
    }
    cr_assert_eq(refused, n);
    free(buf);
    sgl_net_free(&a);
}

Test(model, checksum_message)
{
    sgl_net a;
    make_net(&a);
    cr_assert_eq(sgl_model_save(path, &a, NULL), 0);
    FILE *f = fopen(path, "r+b");
    fseek(f, 100, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    expect_refused("checksum mismatch");
    sgl_net_free(&a);
}

Test(model, not_a_model)
{
    FILE *f = fopen(path, "wb");
    fputs("hello, this is not a model file at all", f);
    fclose(f);
    expect_refused("bad magic");
}

Test(model, missing_file_is_io_error)
{
    sgl_net b;
    int rc = sgl_model_load("/nonexistent/dir/m.sgl", &b, NULL);
    cr_assert_eq(rc, -SGL_EIO);
    cr_assert(strstr(sgl_errmsg(), "/nonexistent/dir/m.sgl") != NULL);
}

Test(model, failed_save_keeps_old_file)
{
    sgl_net a;
    make_net(&a);
    cr_assert_eq(sgl_model_save(path, &a, "old"), 0);
    /* a save into a directory that does not exist fails without touching anything */
    cr_assert_eq(sgl_model_save("/nonexistent/dir/m.sgl", &a, "new"), -SGL_EIO);
    char *meta = NULL;
    sgl_net b;
    cr_assert_eq(sgl_model_load(path, &b, &meta), 0);
    cr_assert_str_eq(meta, "old");
    free(meta);
    sgl_net_free(&a);
    sgl_net_free(&b);
}
