/* SPDX-License-Identifier: MIT */
/* The recommended capability list: which capabilities a recording shows the workload needs, and
 * the `.caps` file that carries them with their evidence (one capability per line, sorted by name,
 * a comment with the sources that saw it and its first evidence; stable and diff-friendly: no
 * pids, no counts), and the same list as docker run flags, a Kubernetes securityContext and a
 * Compose service fragment. */
#pragma once

#include <stddef.h>

#include "profgen/error.h"
#include "profgen/recording.h"

/* Capability numbers the recording has evidence for, unique, sorted by name ("CAP_AUDIT_WRITE"
 * before "CAP_CHOWN"). *ret is allocated (may be NULL when *ret_n is 0). */
int pg_caps_needed(const struct pg_recording *rec, int **ret, size_t *ret_n);
/* Sorts capability numbers by name, the order of a .caps file. */
void pg_caps_sort(int *caps, size_t n);
/* "CAP_NET_BIND_SERVICE" (allocated) */
char *pg_caps_name(int cap);
int pg_caps_to_string(const struct pg_recording *rec, char **ret, struct pg_error **err);
int pg_caps_write(const struct pg_recording *rec, const char *path, struct pg_error **err);

enum pg_caps_style {
        PG_CAPS_STYLE_DOCKER,  /* --cap-drop ALL --cap-add NET_BIND_SERVICE ... */
        PG_CAPS_STYLE_K8S,     /* securityContext.capabilities: drop [ALL], add [...] */
        PG_CAPS_STYLE_COMPOSE, /* cap_drop: [ALL], cap_add: [...] */
};

/* "docker", "k8s" (or "kubernetes"), "compose" */
int pg_caps_style_parse(const char *s, enum pg_caps_style *ret);
/* The list in one style, without the CAP_ prefix (both Docker and Kubernetes accept that), ending
 * with a newline. caps: capability numbers, in the order to print. */
int pg_caps_snippet(const int *caps, size_t n, enum pg_caps_style style, char **ret);
