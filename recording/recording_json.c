// SPDX-License-Identifier: MIT
/* Recording files: a versioned JSON document (docs/recording-format.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/fileio.h"
#include "profgen/recording.h"

/* ---- writing ---- */

json_t *pg_stack_to_json(const struct pg_stack *s)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < s->n_frames; i++) {
                const struct pg_frame *f = &s->frames[i];
                json_t *o = json_object();
                json_object_set_new(o, "module", json_string(f->module ? f->module : "?"));
                json_object_set_new(o, "offset", json_integer((json_int_t)f->offset));
                if (f->function) {
                        json_object_set_new(o, "function", json_string(f->function));
                        json_object_set_new(o, "function_offset",
                                            json_integer((json_int_t)f->function_offset));
                }
                json_array_append_new(arr, o);
        }
        return arr;
}

/* The syscall as (arch, nr, name) fields of o. */
static void set_syscall(json_t *o, enum pg_arch arch, uint32_t slot)
{
        const struct pg_arch_info *ai = pg_arch_info(arch);
        const char *name = pg_arch_syscall_name(arch, slot);
        json_object_set_new(o, "arch", json_string(ai ? ai->name : "?"));
        json_object_set_new(o, "nr", json_integer((json_int_t)slot + (ai ? ai->nr_bias : 0)));
        if (name)
                json_object_set_new(o, "name", json_string(name));
}

static char *cap_upper_name(int cap)
{
        char *n = cap_to_name((cap_value_t)cap);
        if (!n)
                return NULL;
        char *out = strdup(n);
        cap_free(n);
        for (char *p = out; p && *p; p++)
                *p = (char)toupper((unsigned char)*p);
        return out;
}

static json_t *strv_to_json(char *const *v)
{
        json_t *a = json_array();
        for (size_t i = 0; a && v && v[i]; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

static json_t *sites_json(const struct pg_syscall_stat *st)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < st->n_sites; i++) {
                const struct pg_call_site *c = &st->sites[i];
                json_t *o = json_object();
                json_object_set_new(o, "pid", json_integer(c->pid));
                json_object_set_new(o, "tid", json_integer(c->tid));
                json_object_set_new(o, "exe", json_integer(c->exe));
                json_object_set_new(o, "occurrence", json_integer((json_int_t)c->occurrence));
                json_object_set_new(o, "stack", pg_stack_to_json(c->stack));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *users_json(const struct pg_syscall_stat *st)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < st->n_users; i++) {
                json_t *o = json_object();
                json_object_set_new(o, "exe", json_integer(st->users[i].exe));
                json_object_set_new(o, "count", json_integer((json_int_t)st->users[i].count));
                json_object_set_new(o, "processes",
                                    json_integer((json_int_t)st->users[i].processes));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *syscalls_json(const struct pg_recording *r)
{
        json_t *arr = json_array();
        for (int a = 0; arr && a < PG_ARCH_COUNT; a++)
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++) {
                        const struct pg_syscall_stat *st = pg_recording_syscall(r, a, s);
                        if (!st)
                                continue;
                        json_t *o = json_object();
                        set_syscall(o, a, s);
                        json_object_set_new(o, "count", json_integer((json_int_t)st->count));
                        json_object_set_new(o, "pid", json_integer(st->first_pid));
                        json_object_set_new(o, "tid", json_integer(st->first_tid));
                        json_object_set_new(o, "exe", json_integer(st->first_exe));
                        if (st->stack)
                                json_object_set_new(o, "stack", pg_stack_to_json(st->stack));
                        if (st->n_users)
                                json_object_set_new(o, "users", users_json(st));
                        if (st->n_sites)
                                json_object_set_new(o, "sites", sites_json(st));
                        json_array_append_new(arr, o);
                }
        return arr;
}

static json_t *baseline_json(const struct pg_recording *r)
{
        json_t *arr = json_array();
        for (int a = 0; arr && a < PG_ARCH_COUNT; a++)
                for (uint32_t s = 0; s < PG_SYSCALL_SLOTS; s++)
                        if (pg_recording_is_baseline(r, a, s)) {
                                json_t *o = json_object();
                                set_syscall(o, a, s);
                                json_array_append_new(arr, o);
                        }
        return arr;
}

static json_t *facts_json(const struct pg_recording *r)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < pg_recording_n_facts(r); i++) {
                const struct pg_fact *f = pg_recording_fact(r, i);
                json_t *o = json_object();
                json_object_set_new(o, "key", json_string(f->key));
                set_syscall(o, f->arch, f->slot);
                if (f->detail)
                        json_object_set_new(o, "detail", json_string(f->detail));
                json_object_set_new(o, "pid", json_integer(f->pid));
                json_object_set_new(o, "exe", json_integer(f->exe));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *caps_json(const struct pg_recording *r)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < pg_recording_n_caps(r); i++) {
                const struct pg_cap_evidence *c = pg_recording_cap(r, i);
                _cleanup_free_ char *name = cap_upper_name(c->cap);
                json_t *o = json_object();
                json_object_set_new(o, "cap", json_string(name ? name : "?"));
                json_object_set_new(
                    o, "source",
                    json_string(c->source == PG_CAP_SOURCE_KERNEL ? "kernel" : "inference"));
                set_syscall(o, c->arch, c->slot);
                if (c->detail)
                        json_object_set_new(o, "detail", json_string(c->detail));
                if (c->note)
                        json_object_set_new(o, "note", json_string(c->note));
                json_object_set_new(o, "pid", json_integer(c->pid));
                json_object_set_new(o, "exe", json_integer(c->exe));
                json_object_set_new(o, "count", json_integer((json_int_t)c->count));
                if (c->stack)
                        json_object_set_new(o, "stack", pg_stack_to_json(c->stack));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *processes_json(const struct pg_recording *r)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < pg_recording_n_processes(r); i++) {
                const struct pg_process *p = pg_recording_process(r, i);
                json_t *o = json_object(), *exes = json_array();
                json_object_set_new(o, "pid", json_integer(p->pid));
                json_object_set_new(o, "ppid", json_integer(p->ppid));
                for (size_t e = 0; e < p->n_exes; e++)
                        json_array_append_new(exes, json_integer(p->exes[e]));
                json_object_set_new(o, "exes", exes);
                json_array_append_new(arr, o);
        }
        return arr;
}

int pg_recording_save(const struct pg_recording *r, const char *path, struct pg_error **err)
{
        _cleanup_json_ json_t *o = json_object();
        if (!o)
                return pg_error_set(err, -ENOMEM, "out of memory");
        json_object_set_new(o, "profgen_recording", json_integer(PG_RECORDING_VERSION));
        json_object_set_new(o, "command", strv_to_json(pg_recording_command(r)));
        json_object_set_new(o, "exit_status", json_integer(pg_recording_exit_status(r)));
        if (pg_recording_tracing(r))
                json_object_set_new(o, "tracing", json_string(pg_recording_tracing(r)));
        json_t *notes = json_array();
        for (size_t i = 0; i < pg_recording_n_notes(r); i++)
                json_array_append_new(notes, json_string(pg_recording_note(r, i)));
        json_object_set_new(o, "notes", notes);
        json_t *exes = json_array();
        for (size_t i = 0; i < pg_recording_n_exes(r); i++)
                json_array_append_new(exes, json_string(pg_recording_exe(r, (int32_t)i)));
        json_object_set_new(o, "executables", exes);
        json_object_set_new(o, "processes", processes_json(r));
        json_object_set_new(o, "syscalls", syscalls_json(r));
        json_object_set_new(o, "baseline", baseline_json(r));
        json_object_set_new(o, "facts", facts_json(r));
        json_object_set_new(o, "capabilities", caps_json(r));
        _cleanup_free_ char *text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (!text)
                return pg_error_set(err, -ENOMEM, "out of memory");
        size_t len = strlen(text);
        text[len] = '\n'; /* json_dumps leaves room for nothing more: write the NUL as newline */
        return pg_file_write_atomic(path, text, len + 1, err);
}
