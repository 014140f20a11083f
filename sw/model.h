/* SPDX-License-Identifier: MIT */
/* Model files: a network (config, parameters, per-neuron dampening) and a text of metadata in
 * the sglif container (file.h). Checkpoints add sections of their own (train.c). */
#ifndef SGLIF_MODEL_H
#define SGLIF_MODEL_H

#include "file.h"
#include "net.h"

/* Add the CONF, PARM, GAMA and META sections of net to f. meta may be NULL. */
int sgl_model_to_file(sgl_file *f, const sgl_net *net, const char *meta);
/* Build net from the sections of f (path only names the file in messages). meta (may be NULL)
 * receives a malloc'ed copy of the metadata text. */
int sgl_model_from_file(const sgl_file *f, const char *path, sgl_net *net, char **meta);

int sgl_model_save(const char *path, const sgl_net *net, const char *meta);
int sgl_model_load(const char *path, sgl_net *net, char **meta);

#endif
