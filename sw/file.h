/* SPDX-License-Identifier: MIT */
/* The sglif container file (model and checkpoint files), docs/formats.md:
 *   "SGLIF\r\n\x1a" (8 bytes) | u32 version | u32 section count |
 *   per section: 4-byte tag | u64 length | payload |
 *   u32 CRC-32 (zlib) of every byte before it.
 * All integers little-endian. Files are written to a temporary name and renamed, so an
 * interrupted write never leaves a damaged file behind. */
#ifndef SGLIF_FILE_H
#define SGLIF_FILE_H

#include "common.h"

#define SGL_FILE_VERSION 1
#define SGL_FILE_MAX_SECTIONS 32

typedef struct {
    char tag[5];
    const unsigned char *data;
    uint64_t len;
} sgl_section;

typedef struct {
    unsigned char *buf; /* the whole file when read; the payloads when written */
    size_t len, cap;
    int n;
    sgl_section sec[SGL_FILE_MAX_SECTIONS];
    uint64_t off[SGL_FILE_MAX_SECTIONS];
} sgl_file;

void sgl_file_init(sgl_file *f);
void sgl_file_free(sgl_file *f);
/* Append a section (the payload is copied). */
int sgl_file_add(sgl_file *f, const char *tag, const void *data, size_t len);
/* Write atomically to path. */
int sgl_file_write(const sgl_file *f, const char *path);
/* Read and verify (magic, version, lengths, CRC). Errors name the file and the problem. */
int sgl_file_read(sgl_file *f, const char *path);
/* Find a section; returns NULL if absent. */
const sgl_section *sgl_file_get(const sgl_file *f, const char *tag);

/* Little-endian serialization helpers for payloads. */
typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom;
} sgl_wbuf;
void sgl_put_u32(sgl_wbuf *b, uint32_t v);
void sgl_put_u64(sgl_wbuf *b, uint64_t v);
void sgl_put_f64(sgl_wbuf *b, double v);
void sgl_put_f32(sgl_wbuf *b, float v);
void sgl_put_bytes(sgl_wbuf *b, const void *p, size_t n);

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    int short_read; /* set when a get ran past the end */
} sgl_rbuf;
uint32_t sgl_get_u32(sgl_rbuf *b);
uint64_t sgl_get_u64(sgl_rbuf *b);
double sgl_get_f64(sgl_rbuf *b);
float sgl_get_f32(sgl_rbuf *b);
void sgl_get_bytes(sgl_rbuf *b, void *p, size_t n);

#endif
