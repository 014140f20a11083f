/* SPDX-License-Identifier: MIT */
/* Model files. Parameters are stored as IEEE float32 whatever the build's `real`. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

static void put_config(sgl_wbuf *b, const sgl_config *c)
{
    sgl_put_u32(b, (uint32_t)c->n_in);
    sgl_put_u32(b, (uint32_t)c->n_layers);
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        sgl_put_u32(b, (uint32_t)c->n_hidden[l]);
    sgl_put_u32(b, (uint32_t)c->n_out);
    sgl_put_u32(b, (uint32_t)c->n_steps);
    sgl_put_f64(b, c->tau);
    sgl_put_f64(b, c->theta);
    sgl_put_u32(b, (uint32_t)c->reset);
    sgl_put_u32(b, (uint32_t)c->reset_grad);
    sgl_put_u32(b, (uint32_t)c->alif);
    sgl_put_f64(b, c->alif_beta);
    sgl_put_f64(b, c->alif_tau);
    sgl_put_u32(b, (uint32_t)c->sg.shape);
    sgl_put_f64(b, c->sg.gamma);
    sgl_put_f64(b, c->sg.beta);
    sgl_put_f64(b, c->sg.q);
}

static void get_config(sgl_rbuf *b, sgl_config *c)
{
    memset(c, 0, sizeof *c);
    c->n_in = (int)sgl_get_u32(b);
    c->n_layers = (int)sgl_get_u32(b);
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        c->n_hidden[l] = (int)sgl_get_u32(b);
    c->n_out = (int)sgl_get_u32(b);
    c->n_steps = (int)sgl_get_u32(b);
    c->tau = sgl_get_f64(b);
    c->theta = sgl_get_f64(b);
    c->reset = (sgl_reset)sgl_get_u32(b);
    c->reset_grad = (int)sgl_get_u32(b);
    c->alif = (int)sgl_get_u32(b);
    c->alif_beta = sgl_get_f64(b);
    c->alif_tau = sgl_get_f64(b);
    c->sg.shape = (sgl_sg_shape)sgl_get_u32(b);
    c->sg.gamma = sgl_get_f64(b);
    c->sg.beta = sgl_get_f64(b);
    c->sg.q = sgl_get_f64(b);
}

int sgl_model_to_file(sgl_file *f, const sgl_net *net, const char *meta)
{
    sgl_wbuf b = {0};
    put_config(&b, &net->cfg);
    int rc = b.oom ? -SGL_ENOMEM : sgl_file_add(f, "CONF", b.p, b.len);
    b.len = 0;
    for (size_t i = 0; i < net->n_params && !rc; i++)
        sgl_put_f32(&b, (float)net->params[i]);
    if (!rc)
        rc = b.oom ? -SGL_ENOMEM : sgl_file_add(f, "PARM", b.p, b.len);
    b.len = 0;
    for (int l = 0; l < net->cfg.n_layers && !rc; l++)
        for (int i = 0; i < net->layer[l].n; i++)
            sgl_put_f32(&b, (float)net->layer[l].gamma[i]);
    if (!rc)
        rc = b.oom ? -SGL_ENOMEM : sgl_file_add(f, "GAMA", b.p, b.len);
    if (!rc)
        rc = sgl_file_add(f, "META", meta ? meta : "", meta ? strlen(meta) : 0);
    free(b.p);
    return rc;
}

int sgl_model_from_file(const sgl_file *f, const char *path, sgl_net *net, char **meta)
{
    const sgl_section *conf = sgl_file_get(f, "CONF"), *parm = sgl_file_get(f, "PARM"),
                      *gama = sgl_file_get(f, "GAMA"), *mt = sgl_file_get(f, "META");
    if (!conf || !parm || !gama)
        return sgl_fail(SGL_EDATA, "%s: not a model file (section %s missing)", path,
                        !conf ? "CONF" : !parm ? "PARM" : "GAMA");
    sgl_rbuf b = {conf->data, (size_t)conf->len, 0, 0};
    sgl_config c;
    get_config(&b, &c);
    if (b.short_read || b.pos != b.len)
        return sgl_fail(SGL_EDATA, "%s: network configuration has %llu bytes, expected %zu",
                        path, (unsigned long long)conf->len, b.pos);
    int rc = sgl_config_check(&c);
    if (rc)
        return sgl_fail(SGL_EDATA, "%s: bad network configuration: %s", path, sgl_errmsg());
    /* sizes are checked against the sections before anything is allocated: a damaged
     * configuration must not make us allocate what the file does not hold */
    size_t want = sgl_config_n_params(&c) * 4;
    if (parm->len != want)
        return sgl_fail(SGL_EDATA, "%s: %llu bytes of parameters, the network needs %zu", path,
                        (unsigned long long)parm->len, want);
    rc = sgl_net_alloc(net, &c);
    if (rc)
        return rc;
    b = (sgl_rbuf){parm->data, (size_t)parm->len, 0, 0};
    for (size_t i = 0; i < net->n_params; i++)
        net->params[i] = (real)sgl_get_f32(&b);
    size_t ng = 0;
    for (int l = 0; l < c.n_layers; l++)
        ng += (size_t)c.n_hidden[l];
    if (gama->len != ng * 4) {
        sgl_net_free(net);
        return sgl_fail(SGL_EDATA, "%s: %llu bytes of dampening values, expected %zu", path,
                        (unsigned long long)gama->len, ng * 4);
    }
    b = (sgl_rbuf){gama->data, (size_t)gama->len, 0, 0};
    for (int l = 0; l < c.n_layers; l++)
        for (int i = 0; i < c.n_hidden[l]; i++)
            net->layer[l].gamma[i] = (real)sgl_get_f32(&b);
    if (meta) {
        size_t n = mt ? (size_t)mt->len : 0;
        *meta = malloc(n + 1);
        if (!*meta) {
            sgl_net_free(net);
            return sgl_fail(SGL_ENOMEM, "out of memory");
        }
        if (n)
            memcpy(*meta, mt->data, n);
        (*meta)[n] = 0;
    }
    return 0;
}

int sgl_model_save(const char *path, const sgl_net *net, const char *meta)
{
    sgl_file f;
    sgl_file_init(&f);
    int rc = sgl_model_to_file(&f, net, meta);
    if (!rc)
        rc = sgl_file_write(&f, path);
    sgl_file_free(&f);
    return rc;
}

int sgl_model_load(const char *path, sgl_net *net, char **meta)
{
    sgl_file f;
    int rc = sgl_file_read(&f, path);
    if (!rc)
        rc = sgl_model_from_file(&f, path, net, meta);
    sgl_file_free(&f);
    return rc;
}
