// SPDX-License-Identifier: MIT
/* A diff as a reviewer reads it (text, one line per change, grouped per architecture), as a machine
 * reads it (JSON), and as GitHub Actions shows it (workflow-command annotations on the profile). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/diff.h"
#include "profgen/fileio.h"

static const char *const change_word[] = {
    [PG_DIFF_ADDED] = "added",
    [PG_DIFF_REMOVED] = "removed",
    [PG_DIFF_CHANGED] = "changed",
};
static const char change_mark[] = {
    [PG_DIFF_ADDED] = '+', [PG_DIFF_REMOVED] = '-', [PG_DIFF_CHANGED] = '~'};
static const char *const subject_word[] = {
    [PG_DIFF_SETTING] = "setting",
    [PG_DIFF_ARCH] = "architecture",
    [PG_DIFF_SYSCALL] = "syscall",
    [PG_DIFF_CAP] = "capability",
};

int pg_diff_format_parse(const char *s, enum pg_diff_format *ret)
{
        static const char *const names[] = {
            [PG_DIFF_FORMAT_TEXT] = "text",
            [PG_DIFF_FORMAT_JSON] = "json",
            [PG_DIFF_FORMAT_GITHUB] = "github",
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (enum pg_diff_format)i;
                        return 0;
                }
        return -EINVAL;
}

struct out {
        FILE *f;
        const struct pg_diff_format_opts *o;
};

static const char *color(const struct out *w, enum pg_diff_change c)
{
        static const char *const codes[] = {[PG_DIFF_ADDED] = "\033[32m",
                                            [PG_DIFF_REMOVED] = "\033[31m",
                                            [PG_DIFF_CHANGED] = "\033[33m"};
        return w->o->color ? codes[c] : "";
}

static const char *bold(const struct out *w)
{
        return w->o->color ? "\033[1m" : "";
}

static const char *reset(const struct out *w)
{
        return w->o->color ? "\033[0m" : "";
}

/* Plain SCMP_ACT_ALLOW is what "added" means anyway: only other outcomes are worth a word. */
static bool plain_allow(const char *v)
{
        return !v || strcmp(v, "SCMP_ACT_ALLOW") == 0;
}

/* The detail column of one change: the outcome(s) when they say more than "allowed", then why. */
static void text_detail(FILE *f, const struct pg_diff_entry *en, bool removals_allowed)
{
        const char *sep = "";
        const char *only = en->change == PG_DIFF_ADDED ? en->new_value : en->old_value;
        if (en->change == PG_DIFF_CHANGED) {
                fprintf(f, "%s -> %s", en->old_value ? en->old_value : "(none)",
                        en->new_value ? en->new_value : "(none)");
                sep = "; ";
        } else if (en->subject == PG_DIFF_SETTING || !plain_allow(only)) {
                fputs(only ? only : "", f);
                sep = "; ";
        }
        if (en->evidence) {
                fprintf(f, "%s%s", sep, en->evidence);
                sep = " ";
        }
        if (en->change == PG_DIFF_REMOVED && removals_allowed)
                fprintf(f, "%s(allowed: --allow-removals)", *sep ? " " : "");
}

static int text_entry(const struct out *w, const struct pg_diff_entry *en)
{
        _cleanup_free_ char *detail = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&detail, &len);
        if (!f)
                return -ENOMEM;
        text_detail(f, en, w->o->removals_allowed);
        if (fclose(f) != 0)
                return -ENOMEM;
        /* A name longer than the column still gets one space before its detail. */
        fprintf(w->f, "  %s%c %s%s", color(w, en->change), change_mark[en->change], en->name,
                reset(w));
        if (len > 0)
                fprintf(w->f, "%*s %s", strlen(en->name) < 19 ? (int)(19 - strlen(en->name)) : 0,
                        "", detail);
        fputc('\n', w->f);
        return 0;
}

/* The section header for entry i when it starts a new group. */
static void text_header(const struct out *w, const struct pg_diff *d, size_t i)
{
        const struct pg_diff_entry *en = &d->v[i], *prev = i ? &d->v[i - 1] : NULL;
        bool same_arch =
            prev && prev->arch_name && en->arch_name && strcmp(prev->arch_name, en->arch_name) == 0;
        if (en->subject == PG_DIFF_ARCH) {
                const char *v = en->new_value ? en->new_value : en->old_value;
                fprintf(w->f, "%sarchitecture %s %s%s", bold(w), en->arch_name,
                        change_word[en->change], reset(w));
                fprintf(w->f, v ? " (%s)\n" : "%s\n", v ? v : "");
                if (en->evidence)
                        fprintf(w->f, "  %s\n", en->evidence);
        } else if (en->subject == PG_DIFF_SYSCALL) {
                if (!(prev && prev->subject == PG_DIFF_SYSCALL && same_arch))
                        fprintf(w->f, "%ssyscalls on %s:%s\n", bold(w), en->arch_name, reset(w));
        } else if (!prev || prev->subject != en->subject) {
                fprintf(w->f, "%s%s:%s\n", bold(w),
                        en->subject == PG_DIFF_CAP ? "capabilities" : "settings", reset(w));
        }
}

/* "drift: 3 syscalls added, 1 removed; 1 capability added", or "no drift". */
static void summary(FILE *f, const struct pg_diff *d, bool removals_allowed)
{
        static const enum pg_diff_subject order[] = {PG_DIFF_SYSCALL, PG_DIFF_CAP, PG_DIFF_ARCH,
                                                     PG_DIFF_SETTING};
        static const char *const noun[][2] = {
            [PG_DIFF_SETTING] = {"setting", "settings"},
            [PG_DIFF_ARCH] = {"architecture", "architectures"},
            [PG_DIFF_SYSCALL] = {"syscall", "syscalls"},
            [PG_DIFF_CAP] = {"capability", "capabilities"},
        };
        bool drift = pg_diff_is_drift(d, removals_allowed);
        fputs(drift ? "drift: " : d->n ? "no drift (removals allowed): " : "no drift", f);
        const char *group_sep = "";
        for (size_t g = 0; g < sizeof(order) / sizeof(order[0]); g++) {
                bool first = true;
                for (int c = PG_DIFF_ADDED; c <= PG_DIFF_CHANGED; c++) {
                        size_t n = pg_diff_count(d, order[g], (enum pg_diff_change)c);
                        if (n == 0)
                                continue;
                        if (first)
                                fprintf(f, "%s%zu %s %s", group_sep, n, noun[order[g]][n != 1],
                                        change_word[c]);
                        else
                                fprintf(f, ", %zu %s", n, change_word[c]);
                        first = false;
                        group_sep = "; ";
                }
        }
        fputc('\n', f);
}

static int format_text(const struct out *w, const struct pg_diff *d)
{
        fprintf(w->f, "%s--- %s%s\n%s+++ %s%s\n", bold(w), w->o->old_label, reset(w), bold(w),
                w->o->new_label, reset(w));
        for (size_t i = 0; i < d->n; i++) {
                text_header(w, d, i);
                if (d->v[i].subject != PG_DIFF_ARCH && text_entry(w, &d->v[i]) < 0)
                        return -ENOMEM;
        }
        summary(w->f, d, w->o->removals_allowed);
        return 0;
}

static json_t *str_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

static json_t *json_entry(const struct pg_diff_entry *en)
{
        json_t *o = json_object();
        if (!o)
                return NULL;
        json_object_set_new(o, "subject", json_string(subject_word[en->subject]));
        json_object_set_new(o, "change", json_string(change_word[en->change]));
        json_object_set_new(o, "arch", str_or_null(en->arch_name));
        json_object_set_new(o, "name", str_or_null(en->name));
        json_object_set_new(o, "old", str_or_null(en->old_value));
        json_object_set_new(o, "new", str_or_null(en->new_value));
        json_object_set_new(o, "evidence", str_or_null(en->evidence));
        return o;
}

static json_t *json_counts(const struct pg_diff *d)
{
        json_t *o = json_object();
        for (int s = PG_DIFF_SETTING; o && s <= PG_DIFF_CAP; s++) {
                json_t *c = json_object();
                for (int k = PG_DIFF_ADDED; c && k <= PG_DIFF_CHANGED; k++)
                        json_object_set_new(c, change_word[k],
                                            json_integer((json_int_t)pg_diff_count(d, s, k)));
                json_object_set_new(o, subject_word[s], c);
        }
        return o;
}

static int format_json(const struct out *w, const struct pg_diff *d)
{
        _cleanup_json_ json_t *o = json_object();
        json_t *changes = json_array();
        if (!o || !changes) {
                json_decref(changes);
                return -ENOMEM;
        }
        json_object_set_new(o, "old", json_string(w->o->old_label));
        json_object_set_new(o, "new", json_string(w->o->new_label));
        json_object_set_new(o, "drift", json_boolean(pg_diff_is_drift(d, w->o->removals_allowed)));
        json_object_set_new(o, "removals_allowed", json_boolean(w->o->removals_allowed));
        json_object_set_new(o, "counts", json_counts(d));
        json_object_set_new(o, "changes", changes);
        for (size_t i = 0; i < d->n; i++)
                if (json_array_append_new(changes, json_entry(&d->v[i])) < 0)
                        return -ENOMEM;
        return json_dumpf(o, w->f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
                       fputc('\n', w->f) < 0
                   ? -ENOMEM
                   : 0;
}

/* GitHub's workflow-command escaping: data loses %, CR and LF; properties also : and ,. */
static void gh_escape(FILE *f, const char *s, bool property)
{
        for (; *s; s++) {
                if (*s == '%')
                        fputs("%25", f);
                else if (*s == '\r')
                        fputs("%0D", f);
                else if (*s == '\n')
                        fputs("%0A", f);
                else if (property && *s == ':')
                        fputs("%3A", f);
                else if (property && *s == ',')
                        fputs("%2C", f);
                else
                        fputc(*s, f);
        }
}

static int line_of(const char *text, const char *at)
{
        int line = 1;
        for (const char *p = text; p < at; p++)
                line += *p == '\n';
        return line;
}

/* The 1-based line of the first occurrence of needle in text: `"socket"` anywhere in a profile,
 * `CAP_X` as the first word of a .caps line (at_start). 0 when it is not there. */
static int find_line(const char *text, const char *needle, bool at_start)
{
        size_t n = strlen(needle);
        for (const char *hit = strstr(text, needle); hit; hit = strstr(hit + 1, needle)) {
                if (!at_start)
                        return line_of(text, hit);
                const char *s = hit;
                while (s > text && (s[-1] == ' ' || s[-1] == '\t'))
                        s--;
                if ((s == text || s[-1] == '\n') && (!hit[n] || strchr(" \t#\n", hit[n])))
                        return line_of(text, hit);
        }
        return 0;
}

/* The line of en's name in path, 0 when it is not there. */
static int name_line(const char *path, const struct pg_diff_entry *en)
{
        _cleanup_free_ char *text = NULL, *quoted = NULL;
        bool cap = en->subject == PG_DIFF_CAP;
        if (!en->name || pg_file_read_all(path, &text, NULL, NULL) < 0 ||
            (!cap && asprintf(&quoted, "\"%s\"", en->name) < 0))
                return 0;
        return find_line(text, cap ? en->name : quoted, cap);
}

/* Where an annotation for en points: "file=P,line=N," (line only when the name is there). */
static void gh_location(FILE *f, const struct out *w, const struct pg_diff_entry *en)
{
        const char *path = en->subject == PG_DIFF_CAP ? w->o->old_caps_path : w->o->old_path;
        if (!path)
                return;
        fputs("file=", f);
        gh_escape(f, path, true);
        int line = name_line(path, en);
        if (line > 0)
                fprintf(f, ",line=%d", line);
        fputc(',', f);
}

static int gh_entry(const struct out *w, const struct pg_diff_entry *en)
{
        _cleanup_free_ char *msg = NULL, *detail = NULL;
        size_t len = 0, dlen = 0;
        FILE *m = open_memstream(&msg, &len), *dm = open_memstream(&detail, &dlen);
        if (!m || !dm) {
                if (m)
                        fclose(m);
                if (dm)
                        fclose(dm);
                return -ENOMEM;
        }
        text_detail(dm, en, w->o->removals_allowed);
        fclose(dm);
        if (en->arch_name)
                fprintf(m, "%s: ", en->arch_name);
        fprintf(m, "%s%s%s%s %s", subject_word[en->subject], en->name ? " `" : "",
                en->name ? en->name : "", en->name ? "`" : "", change_word[en->change]);
        if (detail && *detail)
                fprintf(m, ": %s", detail);
        if (fclose(m) != 0)
                return -ENOMEM;
        const char *level = en->change != PG_DIFF_REMOVED ? "error"
                            : w->o->removals_allowed      ? "notice"
                                                          : "warning";
        fprintf(w->f, "::%s ", level);
        gh_location(w->f, w, en);
        fputs("title=seccomp profile drift::", w->f);
        gh_escape(w->f, msg, false);
        fputc('\n', w->f);
        return 0;
}

static int format_github(const struct out *w, const struct pg_diff *d)
{
        for (size_t i = 0; i < d->n; i++)
                if (gh_entry(w, &d->v[i]) < 0)
                        return -ENOMEM;
        fprintf(w->f, "profgen: %s vs %s: ", w->o->old_label, w->o->new_label);
        summary(w->f, d, w->o->removals_allowed);
        return 0;
}

int pg_diff_format(const struct pg_diff *d, const struct pg_diff_format_opts *o, char **ret,
                   struct pg_error **err)
{
        char *buf = NULL;
        size_t len = 0;
        struct out w = {open_memstream(&buf, &len), o};
        if (!w.f)
                return pg_error_set(err, -ENOMEM, "out of memory");
        int r = o->format == PG_DIFF_FORMAT_JSON     ? format_json(&w, d)
                : o->format == PG_DIFF_FORMAT_GITHUB ? format_github(&w, d)
                                                     : format_text(&w, d);
        if (fclose(w.f) != 0 || r < 0) {
                free(buf);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        *ret = buf;
        return 0;
}
