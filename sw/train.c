/* SPDX-License-Identifier: MIT */
/* The training loop (train.h). Every random choice comes from PCG32 streams named by
 * (seed, epoch), so a run can be cut after any batch and resumed from its checkpoint to the
 * same weights as an uninterrupted run. Checkpoint = model file + OPTM (AdamW state) + TRST
 * (position and best-so-far) sections. */
#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "model.h"
#include "optim.h"
#include "qat.h"
#include "rng.h"

#define PRETRAIN_EPOCH (-1)

void sgl_train_opts_default(sgl_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 30;
    o->batch = 32;
    o->lr = 5e-2;
    o->weight_decay = 0.01;
    o->clip = 1.0;
    o->state_lr = 1;
    o->cosine = 1;
    o->sparsity_target = 0.01;
    o->init_rate = -1;
    o->init_rate_batches = 200;
    o->init_rate_lr = 1e-2;
    o->qat_from = -1;
    sgl_fixed_opts_default(&o->qat_opts);
}

int sgl_threads(int threads)
{
    if (threads > 0)
        return threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

double sgl_sparsity_schedule(int e, int E)
{
    double a = E / 5.0, b = 3.0 * E / 5.0;
    if (e < a)
        return 0.0;
    if (e >= b)
        return 1.0;
    return (e - a) / (b - a);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The sample order of an epoch (PRETRAIN_EPOCH included): a permutation from its own stream. */
static void epoch_order(int *idx, int n, uint64_t seed, int epoch)
{
    sgl_rng r;
    sgl_rng_seed(&r, seed, 0x5eed0000u + (uint64_t)(int64_t)(epoch + 2));
    for (int i = 0; i < n; i++)
        idx[i] = i;
    sgl_rng_shuffle(&r, idx, n);
}

static int evaluate(const sgl_net *net, const sgl_qgrid *grid, const sgl_data *d, int threads,
                    double *acc, double *loss, int *pred, double rate[SGL_MAX_LAYERS])
{
    const int B = 64;
    if (d->n_samples < 1)
        return sgl_fail(SGL_EDATA, "%s: no samples to evaluate", d->name);
    if (d->n_units > net->cfg.n_in || d->n_steps > net->cfg.n_steps ||
        d->n_classes > net->cfg.n_out)
        return sgl_fail(SGL_EDATA,
                        "%s: %d channels x %d steps x %d classes does not fit the model "
                        "(%d x %d x %d)",
                        d->name, d->n_units, d->n_steps, d->n_classes, net->cfg.n_in,
                        net->cfg.n_steps, net->cfg.n_out);
    sgl_work *w = sgl_work_new(net, B, sgl_threads(threads));
    sgl_sample *batch = malloc(sizeof *batch * B);
    int *p = malloc(sizeof *p * B);
    if (!w || !batch || !p) {
        sgl_work_free(w);
        free(batch);
        free(p);
        return sgl_fail(SGL_ENOMEM, "out of memory");
    }
    sgl_work_set_grid(w, grid);
    long correct = 0;
    double lsum = 0, rsum[SGL_MAX_LAYERS] = {0};
    int rc = 0;
    for (int s = 0; s < d->n_samples && !rc; s += B) {
        int n = d->n_samples - s < B ? d->n_samples - s : B;
        for (int b = 0; b < n; b++)
            batch[b] = sgl_data_sample(d, s + b);
        sgl_batch_stats st;
        rc = sgl_forward(w, net, batch, n, NULL, p, NULL, &st);
        if (rc)
            break;
        correct += st.correct;
        lsum += st.loss * n;
        for (int l = 0; l < net->cfg.n_layers; l++)
            rsum[l] += st.rate[l] * n;
        if (pred)
            memcpy(pred + s, p, sizeof *p * (size_t)n);
    }
    if (!rc) {
        if (acc)
            *acc = (double)correct / d->n_samples;
        if (loss)
            *loss = lsum / d->n_samples;
        if (rate)
            for (int l = 0; l < SGL_MAX_LAYERS; l++)
                rate[l] = l < net->cfg.n_layers ? rsum[l] / d->n_samples : 0;
    }
    sgl_work_free(w);
    free(batch);
    free(p);
    return rc;
}

int sgl_evaluate(const sgl_net *net, const sgl_data *d, int threads, double *acc, double *loss,
                 int *pred, double rate[SGL_MAX_LAYERS])
{
    return evaluate(net, NULL, d, threads, acc, loss, pred, rate);
}

int sgl_evaluate_qat(const sgl_net *net, const sgl_fixed_opts *o, const sgl_data *d, int threads,
                     double *acc, double *loss, int *pred, double rate[SGL_MAX_LAYERS])
{
    sgl_net shadow = {0};
    sgl_qgrid grid;
    int rc = sgl_qat_shadow(net, o, &shadow, &grid, NULL);
    if (!rc)
        rc = evaluate(&shadow, &grid, d, threads, acc, loss, pred, rate);
    sgl_net_free(&shadow);
    return rc;
}

/* ---- checkpoint ---- */

typedef struct {
    int epoch, batch;          /* position: the next batch to run */
    double best_acc;
    int best_epoch, since_best;
    double ep_loss, ep_acc, ep_rate[SGL_MAX_LAYERS]; /* running sums of the current epoch */
    long ep_n;
} train_state;

static char *ckpt_path(const sgl_train_opts *o)
{
    if (o->checkpoint)
        return strdup(o->checkpoint);
    size_t n = strlen(o->out) + 6;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.ckpt", o->out);
    return p;
}

static int save_checkpoint(const char *path, const sgl_net *net, const sgl_adamw *opt,
                           const train_state *ts, const sgl_train_opts *o)
{
    sgl_file f;
    sgl_file_init(&f);
    int rc = sgl_model_to_file(&f, net, o->meta);
    sgl_wbuf b = {0};
    sgl_put_u64(&b, (uint64_t)opt->step);
    sgl_put_u64(&b, opt->n);
    for (size_t i = 0; i < opt->n; i++)
        sgl_put_f32(&b, (float)opt->m[i]);
    for (size_t i = 0; i < opt->n; i++)
        sgl_put_f32(&b, (float)opt->v[i]);
    if (!rc)
        rc = b.oom ? -SGL_ENOMEM : sgl_file_add(&f, "OPTM", b.p, b.len);
    b.len = 0;
    sgl_put_u32(&b, (uint32_t)(ts->epoch + 2)); /* pre-training epoch -1 stored as 1 */
    sgl_put_u32(&b, (uint32_t)ts->batch);
    sgl_put_f64(&b, ts->best_acc);
    sgl_put_u32(&b, (uint32_t)(ts->best_epoch + 2));
    sgl_put_u32(&b, (uint32_t)ts->since_best);
    sgl_put_f64(&b, ts->ep_loss);
    sgl_put_f64(&b, ts->ep_acc);
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        sgl_put_f64(&b, ts->ep_rate[l]);
    sgl_put_u64(&b, (uint64_t)ts->ep_n);
    /* what the run must keep equal to resume to the same result */
    sgl_put_u64(&b, o->seed);
    sgl_put_u32(&b, (uint32_t)o->epochs);
    sgl_put_u32(&b, (uint32_t)o->batch);
    sgl_put_f64(&b, o->lr);
    sgl_put_u32(&b, (uint32_t)o->state_lr);
    sgl_put_u32(&b, (uint32_t)o->cosine);
    if (!rc)
        rc = b.oom ? -SGL_ENOMEM : sgl_file_add(&f, "TRST", b.p, b.len);
    free(b.p);
    if (!rc)
        rc = sgl_file_write(&f, path);
    sgl_file_free(&f);
    return rc;
}

static int load_checkpoint(const char *path, sgl_net *net, sgl_adamw *opt, train_state *ts,
                           const sgl_train_opts *o)
{
    sgl_file f;
    int rc = sgl_file_read(&f, path);
    if (rc) {
        sgl_file_free(&f);
        return rc;
    }
    const sgl_section *om = sgl_file_get(&f, "OPTM"), *tr = sgl_file_get(&f, "TRST");
    if (!om || !tr) {
        sgl_file_free(&f);
        return sgl_fail(SGL_EDATA, "%s: a model file, not a checkpoint (no training state)", path);
    }
    rc = sgl_model_from_file(&f, path, net, NULL);
    if (rc) {
        sgl_file_free(&f);
        return rc;
    }
    sgl_rbuf b = {om->data, (size_t)om->len, 0, 0};
    int64_t step = (int64_t)sgl_get_u64(&b);
    uint64_t n = sgl_get_u64(&b);
    if (n != net->n_params || om->len != 16 + 8 * n) {
        sgl_file_free(&f);
        return sgl_fail(SGL_EDATA, "%s: optimizer state does not match the network", path);
    }
    rc = sgl_adamw_init(opt, net->n_params, o->lr);
    if (rc) {
        sgl_file_free(&f);
        return rc;
    }
    opt->step = step;
    for (size_t i = 0; i < n; i++)
        opt->m[i] = (real)sgl_get_f32(&b);
    for (size_t i = 0; i < n; i++)
        opt->v[i] = (real)sgl_get_f32(&b);
    b = (sgl_rbuf){tr->data, (size_t)tr->len, 0, 0};
    ts->epoch = (int)sgl_get_u32(&b) - 2;
    ts->batch = (int)sgl_get_u32(&b);
    ts->best_acc = sgl_get_f64(&b);
    ts->best_epoch = (int)sgl_get_u32(&b) - 2;
    ts->since_best = (int)sgl_get_u32(&b);
    ts->ep_loss = sgl_get_f64(&b);
    ts->ep_acc = sgl_get_f64(&b);
    for (int l = 0; l < SGL_MAX_LAYERS; l++)
        ts->ep_rate[l] = sgl_get_f64(&b);
    ts->ep_n = (long)sgl_get_u64(&b);
    uint64_t seed = sgl_get_u64(&b);
    int epochs = (int)sgl_get_u32(&b), batch = (int)sgl_get_u32(&b);
    double lr = sgl_get_f64(&b);
    int state_lr = (int)sgl_get_u32(&b);
    int cosine = (int)sgl_get_u32(&b);
    sgl_file_free(&f);
    if (b.short_read)
        return sgl_fail(SGL_EDATA, "%s: training state truncated", path);
    if (seed != o->seed || epochs != o->epochs || batch != o->batch || lr != o->lr ||
        state_lr != o->state_lr || cosine != o->cosine)
        return sgl_fail(SGL_EUSAGE,
                        "%s: checkpoint was made with --seed %llu --epochs %d --batch %d --lr %g "
                        "--state-lr %s --lr-schedule %s; resume with the same options",
                        path, (unsigned long long)seed, epochs, batch, lr, state_lr ? "on" : "off",
                        cosine ? "cosine" : "constant");
    return 0;
}

/* ---- the loop ---- */

static void log_row(FILE *lf, int epoch, double tl, double ta, double vl, double va,
                    const double *rate, double sw, double secs)
{
    if (!lf)
        return;
    fprintf(lf, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%.3f\n", epoch, tl, ta, vl, va,
            rate[0], rate[1], rate[2], sw, secs);
    fflush(lf);
}

int sgl_train(sgl_net *net, const sgl_data *train, const sgl_data *valid,
              const sgl_train_opts *o, sgl_train_result *res)
{
    const int threads = sgl_threads(o->threads);
    const int B = o->batch;
    const int has_valid = valid && valid->n_samples > 0;
    memset(res, 0, sizeof *res);
    if (B < 1 || o->epochs < 1 || !(o->lr > 0) || !o->out)
        return sgl_fail(SGL_EUSAGE, "training needs batch >= 1, epochs >= 1, lr > 0 and --out");
    if (train->n_samples < 1)
        return sgl_fail(SGL_EDATA, "%s: no training samples", train->name);
    char *cpath = ckpt_path(o);
    if (!cpath)
        return sgl_fail(SGL_ENOMEM, "out of memory");
    sgl_adamw opt = {0};
    train_state ts = {PRETRAIN_EPOCH, 0, -1.0, PRETRAIN_EPOCH - 1, 0, 0, 0, {0}, 0};
    int rc = 0;
    if (o->resume) {
        sgl_net_free(net);
        rc = load_checkpoint(cpath, net, &opt, &ts, o);
        if (rc) {
            sgl_adamw_free(&opt);
            free(cpath);
            return rc;
        }
    } else {
        rc = sgl_adamw_init(&opt, net->n_params, o->lr);
        if (rc) {
            free(cpath);
            return rc;
        }
        if (o->init_rate < 0)
            ts.epoch = 0;
    }
    if (o->qat_from >= 0) {
        /* the twin's decay for the whole run (a no-op when the caller set it already) */
        int k = sgl_qat_decay_shift(net->cfg.tau, &o->qat_opts);
        net->cfg.tau = sgl_qat_tau(k);
    }
    opt.lr = o->lr;
    opt.weight_decay = o->weight_decay;
    opt.clip = o->clip;
    if (train->n_units > net->cfg.n_in || train->n_steps > net->cfg.n_steps ||
        train->n_classes > net->cfg.n_out) {
        rc = sgl_fail(SGL_EDATA, "%s: data does not fit the model's input/steps/classes",
                      train->name);
        goto out;
    }

    FILE *lf = NULL;
    if (o->log_csv) {
        lf = fopen(o->log_csv, o->resume ? "a" : "w");
        if (!lf) {
            rc = sgl_fail(SGL_EIO, "%s: cannot open the log", o->log_csv);
            goto out;
        }
        if (!o->resume)
            fprintf(lf, "epoch,train_loss,train_acc,valid_loss,valid_acc,rate1,rate2,rate3,"
                        "sparsity_weight,seconds\n");
    }

    sgl_net shadow = {0}; /* QAT: the net on the twin's integers, rebuilt before each batch */
    sgl_qgrid grid = {0, 0, 0};
    sgl_work *w = sgl_work_new(net, B, threads);
    real *grad = sgl_calloc(net->n_params, sizeof(real));
    unsigned char *bias_mask = sgl_calloc(net->n_params, 1);
    real *lr_scale = sgl_calloc(net->n_params, sizeof(real));
    int *order = sgl_calloc((size_t)train->n_samples, sizeof(int));
    sgl_sample *batch = sgl_calloc((size_t)B, sizeof(sgl_sample));
    if (!w || !grad || !bias_mask || !lr_scale || !order || !batch) {
        rc = -SGL_ENOMEM;
        goto out2;
    }
    sgl_layout lay;
    sgl_net_layout(net, &lay);
    for (int l = 0; l < net->cfg.n_layers; l++)
        memset(bias_mask + lay.bias[l], 1, (size_t)net->cfg.n_hidden[l]);
    /* A bias or a recurrent weight acts on the membrane at every step, so its effect on v is
     * about 1/(1 - alpha) times that of an input weight (sparse input spikes) or a readout
     * weight: scale their steps by (1 - alpha) (docs/method.md, "Learning rates"). */
    const real gain = (real)(1.0 - sgl_config_alpha(&net->cfg));
    for (size_t i = 0; i < net->n_params; i++)
        lr_scale[i] = 1;
    for (int l = 0; l < net->cfg.n_layers && o->state_lr; l++) {
        size_t n = (size_t)net->cfg.n_hidden[l];
        for (size_t i = 0; i < n; i++)
            lr_scale[lay.bias[l] + i] = gain;
        for (size_t i = 0; i < n * n; i++)
            lr_scale[lay.w_rec[l] + i] = gain;
    }

    const int per_epoch = (train->n_samples + B - 1) / B;
    double t0 = now(), t_epoch = now();
    long batches_total = (long)per_epoch * o->epochs, batches_done = 0;
    if (ts.epoch >= 0)
        batches_done = (long)ts.epoch * per_epoch + ts.batch;

    for (; ts.epoch < o->epochs; ts.epoch++, ts.batch = 0) {
        const int pre = ts.epoch == PRETRAIN_EPOCH;
        const int nb = pre ? o->init_rate_batches : per_epoch;
        if (ts.epoch == 0 && ts.batch == 0 && o->init_rate >= 0) {
            /* end of the pre-training: a fresh optimizer for the full training */
            sgl_adamw_free(&opt);
            rc = sgl_adamw_init(&opt, net->n_params, o->lr);
            if (rc)
                goto out2;
            opt.weight_decay = o->weight_decay;
            opt.clip = o->clip;
        }
        const int qat = !pre && o->qat_from >= 0 && ts.epoch >= o->qat_from;
        if (qat && ts.epoch == o->qat_from && ts.batch == 0 && ts.epoch > 0) {
            /* fine-tuning starts: only models of the QAT epochs may be kept as the best */
            ts.best_acc = -1.0;
            ts.since_best = 0;
        }
        if (ts.batch == 0) {
            ts.ep_loss = ts.ep_acc = 0;
            ts.ep_n = 0;
            memset(ts.ep_rate, 0, sizeof ts.ep_rate);
            t_epoch = now();
        }
        opt.lr = pre ? o->init_rate_lr : o->lr;
        opt.lr_scale = pre ? NULL : lr_scale;
        epoch_order(order, train->n_samples, o->seed, ts.epoch);
        sgl_rate_reg reg = {0, o->sparsity_target, 0};
        double sw = 0;
        if (pre) {
            reg.weight = 1.0;
            reg.target = o->init_rate;
            reg.no_task = 1;
        } else if (o->sparsity > 0) {
            sw = sgl_sparsity_schedule(ts.epoch, o->epochs);
            reg.weight = o->sparsity * sw;
        }
        for (; ts.batch < nb; ts.batch++) {
            if (o->stop && *o->stop) {
                rc = save_checkpoint(cpath, net, &opt, &ts, o);
                if (!rc)
                    rc = sgl_fail(SGL_EINTR, "interrupted at epoch %d batch %d; checkpoint %s",
                                  ts.epoch + 1, ts.batch, cpath);
                goto out2;
            }
            int s0 = (int)(((long)ts.batch * B) % train->n_samples);
            int n = train->n_samples - s0 < B ? train->n_samples - s0 : B;
            for (int b = 0; b < n; b++)
                batch[b] = sgl_data_sample(train, order[s0 + b]);
            if (!pre && o->cosine) {
                /* position of this batch in the whole training, 0 .. 1 */
                double pos = (double)((long)ts.epoch * per_epoch + ts.batch) / (double)batches_total;
                opt.lr = o->lr * 0.5 * (1.0 + cos(3.14159265358979323846 * pos));
            }
            sgl_batch_stats st;
            const sgl_net *fw = net;
            if (qat) {
                /* straight through: forward and backward on the quantized weights, the
                 * gradient applied to the float ones */
                if ((rc = sgl_qat_shadow(net, &o->qat_opts, &shadow, &grid, NULL)))
                    goto out2;
                fw = &shadow;
            }
            sgl_work_set_grid(w, qat ? &grid : NULL);
            rc = sgl_backward(w, fw, batch, n, &reg, grad, &st);
            if (rc)
                goto out2;
            if (!isfinite(st.loss)) {
                rc = sgl_fail(SGL_EDATA, "training diverged at epoch %d batch %d (loss %g); try a "
                                         "lower --lr",
                              ts.epoch + 1, ts.batch, st.loss);
                goto out2;
            }
            sgl_adamw_step(&opt, net->params, grad, pre ? bias_mask : NULL);
            sgl_net_fix_diag(net);
            ts.ep_loss += st.loss * n;
            ts.ep_acc += st.correct;
            for (int l = 0; l < net->cfg.n_layers; l++)
                ts.ep_rate[l] += st.rate[l] * n;
            ts.ep_n += n;
            if (!pre)
                batches_done++;
            if (o->progress) {
                sgl_progress p = {0};
                p.phase = !pre;
                p.epoch = ts.epoch;
                p.epochs = o->epochs;
                p.batch = ts.batch + 1;
                p.batches = nb;
                p.loss = ts.ep_loss / (double)ts.ep_n;
                p.acc = ts.ep_acc / (double)ts.ep_n;
                p.n_layers = net->cfg.n_layers;
                for (int l = 0; l < net->cfg.n_layers; l++)
                    p.rate[l] = ts.ep_rate[l] / (double)ts.ep_n;
                p.elapsed = now() - t0;
                double per = batches_done > 0 ? (now() - t0) / (double)batches_done : 0;
                p.eta = per * (double)(batches_total - batches_done);
                o->progress(&p, o->progress_user);
            }
        }
        double rate[SGL_MAX_LAYERS] = {0};
        for (int l = 0; l < net->cfg.n_layers; l++)
            rate[l] = ts.ep_rate[l] / (double)ts.ep_n;
        if (pre) {
            memcpy(res->init_rate_reached, rate, sizeof rate);
            continue;
        }
        double va = -1, vl = 0;
        if (has_valid) {
            rc = qat ? sgl_evaluate_qat(net, &o->qat_opts, valid, threads, &va, &vl, NULL, NULL)
                     : sgl_evaluate(net, valid, threads, &va, &vl, NULL, NULL);
            if (rc)
                goto out2;
        }
        double tl = ts.ep_loss / (double)ts.ep_n, ta = ts.ep_acc / (double)ts.ep_n;
        log_row(lf, ts.epoch + 1, tl, ta, vl, va, rate, sw, now() - t_epoch);
        res->final_train_loss = tl;
        res->epochs_run = ts.epoch + 1;
        if (!has_valid || va > ts.best_acc) {
            ts.best_acc = va;
            ts.best_epoch = ts.epoch;
            ts.since_best = 0;
            rc = sgl_model_save(o->out, net, o->meta);
            if (rc)
                goto out2;
        } else {
            ts.since_best++;
        }
        int last = ts.epoch + 1 >= o->epochs ||
                   (o->patience > 0 && ts.since_best >= o->patience);
        /* checkpoint at the start of the next epoch */
        train_state next = ts;
        next.epoch = last ? o->epochs : ts.epoch + 1;
        next.batch = 0;
        next.ep_loss = next.ep_acc = 0;
        next.ep_n = 0;
        memset(next.ep_rate, 0, sizeof next.ep_rate);
        rc = save_checkpoint(cpath, net, &opt, &next, o);
        if (rc)
            goto out2;
        if (last)
            break;
    }
    res->best_valid_acc = ts.best_acc;
    res->best_epoch = ts.best_epoch + 1;
out2:
    sgl_net_free(&shadow);
    sgl_work_free(w);
    free(grad);
    free(bias_mask);
    free(lr_scale);
    free(order);
    free(batch);
    if (lf)
        fclose(lf);
out:
    sgl_adamw_free(&opt);
    free(cpath);
    return rc;
}
