// SPDX-License-Identifier: MIT
/* The explanation as JSON for tools: docs/explain-schema.json is the contract, and a test
 * validates this output against it. Keys in a fixed order; no pretty-printing beyond jansson's
 * indentation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/explain.h"

static json_t *string_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

static json_t *chain_json(const struct pg_recording *rec, const struct pg_explain_call *c)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < c->n_chain; i++) {
                const struct pg_process *p = c->chain[i].process;
                json_t *o = json_object(), *exes = json_array();
                for (size_t e = 0; p && e < p->n_exes; e++)
                        json_array_append_new(exes,
                                              string_or_null(pg_recording_exe(rec, p->exes[e])));
                json_object_set_new(o, "pid", json_integer(c->chain[i].pid));
                json_object_set_new(o, "exes", exes);
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *call_json(const struct pg_recording *rec, const struct pg_explain_call *c)
{
        json_t *o = json_object();
        json_object_set_new(o, "pid", json_integer(c->pid));
        json_object_set_new(o, "tid", c->tid ? json_integer(c->tid) : json_null());
        json_object_set_new(o, "exe", string_or_null(c->exe));
        json_object_set_new(o, "occurrence",
                            c->occurrence ? json_integer((json_int_t)c->occurrence) : json_null());
        json_object_set_new(o, "exec_chain", chain_json(rec, c));
        json_object_set_new(o, "stack", c->stack ? pg_stack_to_json(c->stack) : json_null());
        return o;
}

static json_t *users_json(const struct pg_recording *rec, const struct pg_explain_observation *ob)
{
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < ob->n_users; i++) {
                const struct pg_syscall_user *u = &ob->users[i];
                json_t *o = json_object();
                json_object_set_new(o, "exe", string_or_null(pg_recording_exe(rec, u->exe)));
                json_object_set_new(o, "count", json_integer((json_int_t)u->count));
                json_object_set_new(o, "processes", json_integer((json_int_t)u->processes));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *observation_json(const struct pg_recording *rec,
                                const struct pg_explain_observation *ob)
{
        json_t *o = json_object(), *sites = json_array();
        json_object_set_new(o, "arch", json_string(pg_arch_info(ob->arch)->name));
        json_object_set_new(o, "nr", json_integer((json_int_t)ob->nr));
        json_object_set_new(o, "count", json_integer((json_int_t)ob->count));
        json_object_set_new(o, "by", users_json(rec, ob));
        json_object_set_new(o, "first", call_json(rec, &ob->first));
        for (size_t i = 0; i < ob->n_sites; i++)
                json_array_append_new(sites, call_json(rec, &ob->sites[i]));
        json_object_set_new(o, "sites", sites);
        return o;
}

static json_t *syscall_json(const struct pg_recording *rec, const struct pg_explain_entry *e)
{
        json_t *o = json_object(), *reasons = json_array(), *obs = json_array();
        json_object_set_new(o, "name", json_string(e->name));
        json_object_set_new(o, "allowed", json_boolean(e->allowed));
        for (size_t i = 0; i < e->n_reasons; i++) {
                json_t *r = json_object();
                json_object_set_new(r, "reason",
                                    json_string(pg_reason_name(e->reasons[i]->reason)));
                json_object_set_new(r, "detail", string_or_null(e->reasons[i]->detail));
                json_array_append_new(reasons, r);
        }
        json_object_set_new(o, "reasons", reasons);
        for (size_t i = 0; i < e->n_obs; i++)
                json_array_append_new(obs, observation_json(rec, &e->obs[i]));
        json_object_set_new(o, "observed", obs);
        return o;
}

static const char *stack_source_name(enum pg_explain_stack_source s)
{
        switch (s) {
        case PG_EXPLAIN_STACK_EVIDENCE:
                return "evidence";
        case PG_EXPLAIN_STACK_SYSCALL:
                return "first-syscall";
        case PG_EXPLAIN_STACK_NONE:
                break;
        }
        return "none";
}

static json_t *evidence_json(const struct pg_recording *rec, const struct pg_explain_evidence *x)
{
        const struct pg_cap_evidence *ev = x->ev;
        const struct pg_arch_info *ai = pg_arch_info(ev->arch);
        json_t *o = json_object();
        json_object_set_new(
            o, "source", json_string(ev->source == PG_CAP_SOURCE_KERNEL ? "kernel" : "inference"));
        json_object_set_new(o, "arch", json_string(ai->name));
        json_object_set_new(o, "nr", json_integer((json_int_t)ev->slot + ai->nr_bias));
        json_object_set_new(o, "syscall", string_or_null(x->syscall));
        json_object_set_new(o, "detail", string_or_null(ev->detail));
        json_object_set_new(o, "note", string_or_null(ev->note));
        json_object_set_new(o, "count", json_integer((json_int_t)ev->count));
        json_object_set_new(o, "stack_source", json_string(stack_source_name(x->stack_source)));
        json_object_set_new(o, "call", call_json(rec, &x->call));
        return o;
}

static json_t *capability_json(const struct pg_recording *rec, const struct pg_explain_entry *e)
{
        json_t *o = json_object(), *evidence = json_array();
        json_object_set_new(o, "name", json_string(e->name));
        json_object_set_new(o, "recommended", json_boolean(e->allowed));
        for (size_t i = 0; i < e->n_evidence; i++)
                json_array_append_new(evidence, evidence_json(rec, &e->evidence[i]));
        json_object_set_new(o, "evidence", evidence);
        return o;
}

static json_t *recording_json(const struct pg_recording *rec)
{
        json_t *o = json_object(), *cmd = json_array();
        for (char *const *a = pg_recording_command(rec); a && *a; a++)
                json_array_append_new(cmd, json_string(*a));
        json_object_set_new(o, "command", cmd);
        json_object_set_new(o, "exit_status", json_integer(pg_recording_exit_status(rec)));
        json_object_set_new(o, "tracing", string_or_null(pg_recording_tracing(rec)));
        return o;
}

int pg_explain_to_json(const struct pg_explanation *x, char **ret, struct pg_error **err)
{
        _cleanup_json_ json_t *root = json_object();
        json_t *sys = json_array(), *caps = json_array();
        if (!root || !sys || !caps) {
                json_decref(sys);
                json_decref(caps);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        json_object_set_new(root, "profgen_explain", json_integer(PG_EXPLAIN_VERSION));
        json_object_set_new(root, "recording", recording_json(x->rec));
        for (size_t i = 0; i < x->n_entries; i++) {
                const struct pg_explain_entry *e = &x->entries[i];
                if (e->kind == PG_EXPLAIN_SYSCALL)
                        json_array_append_new(sys, syscall_json(x->rec, e));
                else
                        json_array_append_new(caps, capability_json(x->rec, e));
        }
        json_object_set_new(root, "syscalls", sys);
        json_object_set_new(root, "capabilities", caps);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text)
                return pg_error_set(err, -ENOMEM, "out of memory");
        /* A trailing newline, like every file profgen writes. */
        size_t len = strlen(text);
        char *out = realloc(text, len + 2);
        if (!out) {
                free(text);
                return pg_error_set(err, -ENOMEM, "out of memory");
        }
        memcpy(out + len, "\n", 2);
        *ret = out;
        return 0;
}
