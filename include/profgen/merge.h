/* SPDX-License-Identifier: MIT */
/* Profiles as sets of atoms, and their union. An atom is one syscall name with what a rule says
 * about it (action, errno, argument conditions, includes/excludes), normalised so that two profiles
 * runc would turn into the same filter have the same atoms however their rules are grouped, ordered
 * or spelt. diff compares atom sets; merge takes their union and groups it back into rules.
 * Capability lists (.caps files) merge alongside: the union of the capabilities, each keeping an
 * evidence comment. docs/ci-workflow.md describes the semantics. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profgen/error.h"
#include "profgen/profile.h"

struct pg_atom {
        char *name;
        enum pg_action action;
        int errno_ret; /* pg_errno_effective(): what the filter returns, PG_ERRNO_UNSET if none */
        size_t n_args;
        struct pg_arg_cmp *args;  /* sorted, without duplicates */
        struct pg_rule_filter in; /* includes: lists sorted, unique; NULL when empty */
        struct pg_rule_filter ex; /* excludes: the same */
        char *comment;            /* the rule's comment, or NULL; never part of equality */
        size_t source;            /* index of the input the atom came from */
};

struct pg_atom_set {
        size_t n, cap;
        struct pg_atom *v;
};

/* The errno a rule or default action really returns: runc gives EPERM to SCMP_ACT_ERRNO and
 * SCMP_ACT_TRACE without one, and other actions carry none. */
int pg_errno_effective(enum pg_action action, int errno_ret);

void pg_atom_set_clear(struct pg_atom_set *s);
/* Appends one atom per name of every rule of p, tagged with `source`. */
int pg_atom_set_add_profile(struct pg_atom_set *s, const struct pg_profile *p, size_t source);
/* Orders atoms by name, then conditions (args, includes, excludes), then action and errno. */
int pg_atom_cmp(const struct pg_atom *a, const struct pg_atom *b);
/* Same name and conditions: two such atoms with different actions cannot both hold. */
bool pg_atom_same_key(const struct pg_atom *a, const struct pg_atom *b);
/* Sorts and normalises: removes duplicates (a comment survives when every copy has it), atoms
 * whose action and errno are the default's (runc skips those rules), and atoms with argument
 * conditions that an unconditional atom with the same action, errno and includes/excludes covers.
 * When two atoms share name and conditions but not action or errno, returns -EEXIST with their
 * indexes (before normalisation: into the set as it was sorted) in ret_conflict. */
int pg_atom_set_normalise(struct pg_atom_set *s, enum pg_action default_action, int default_errno,
                          const struct pg_atom **ret_a, const struct pg_atom **ret_b);
/* "SCMP_ACT_ERRNO(EPERM)": an action as a reader of the JSON knows it, errno by name. */
void pg_action_describe(FILE *f, enum pg_action action, int errno_ret);
/* The same, allocated, with the effective errno (pg_errno_effective) of a rule or default. */
char *pg_action_text(enum pg_action action, int errno_ret);
/* "SCMP_ACT_ALLOW if arg1 == 0x5401 with CAP_SYS_ADMIN unless kernel >= 5.8": one line. */
int pg_atom_describe(const struct pg_atom *a, char **ret);
/* Appends rules to p for the atoms, grouping atoms with equal action, errno, conditions and comment
 * into one rule; rules come in a fixed order, names sorted. */
int pg_atom_set_to_rules(const struct pg_atom_set *s, struct pg_profile *p);

/* Orders SCMP_ARCH_ names the way profgen lists them: known architectures in enum pg_arch order
 * (the native one first), then unknown ones by name. */
int pg_scmp_arch_cmp(const char *a, const char *b);

/* The union of n profiles (n >= 1): architectures, archMap, flags and rules are united; default
 * action and errno and listenerPath must agree. Associative, commutative and idempotent: the result
 * depends only on the set of inputs, and merging a result again with any input changes nothing.
 * Conflicts (different defaults, or one syscall with the same conditions but different actions or
 * errnos) are -EEXIST with a message naming both sources (labels[i] names in[i]). */
int pg_profile_merge(const struct pg_profile *const *in, const char *const *labels, size_t n,
                     struct pg_profile **ret, struct pg_error **err);

/* A capability list: the capabilities and, for each, the evidence comment of its line. */
struct pg_caps_list {
        uint64_t mask;
        char *comment[64]; /* "bind(AF_INET, port 80) by /usr/bin/x"; NULL when none */
};

void pg_caps_list_clear(struct pg_caps_list *l);
/* Parses a .caps file (the grammar is pg_caps_parse's) keeping each line's comment. */
int pg_caps_list_parse(const char *text, const char *name, struct pg_caps_list *ret,
                       struct pg_error **err);
int pg_caps_list_read(const char *path, struct pg_caps_list *ret, struct pg_error **err);
/* dst |= src; of two comments for one capability the smaller string wins, so that merging is
 * commutative. */
int pg_caps_list_merge(struct pg_caps_list *dst, const struct pg_caps_list *src);
/* A .caps file for the list: one capability a line with its comment verbatim (the same bytes
 * after another round of parse and merge). */
int pg_caps_list_to_string(const struct pg_caps_list *l, char **ret, struct pg_error **err);
