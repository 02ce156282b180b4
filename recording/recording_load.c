// SPDX-License-Identifier: MIT
/* Loading recording files. They may come from anywhere (CI artefacts, hand edits), so every field
 * is checked: a wrong type or value is an error naming the file and the JSON path of the value
 * ("syscalls[3].pid: must be an integer from 0 to 2147483647"), never a silent default. The format
 * is docs/recording-format.md. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/recording.h"

struct loader {
        const char *path;
        struct pg_recording *rec;
        struct pg_error **err;
};

/* Where a value is: the array (`syscalls`) and index of its entry, then the field. */
struct where {
        const char *array;
        size_t i;
};

static int badv(struct loader *l, const struct where *w, const char *field, const char *what)
{
        if (!w)
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0, "%s: %s: %s", l->path,
                                       field ? field : "(the document)", what);
        return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0, "%s: %s[%zu]%s%s: %s", l->path,
                               w->array, w->i, field ? "." : "", field ? field : "", what);
}

static int oom(struct loader *l)
{
        return pg_error_set(l->err, -ENOMEM, "out of memory");
}

/* An integer field in [min, max]: absent is fine unless required (then *ret is untouched). */
static int get_int(struct loader *l, const struct where *w, json_t *o, const char *key,
                   bool required, json_int_t min, json_int_t max, json_int_t *ret)
{
        json_t *v = json_object_get(o, key);
        if (!v && !required)
                return 0;
        if (!v || !json_is_integer(v) || json_integer_value(v) < min ||
            json_integer_value(v) > max) {
                char what[96];
                snprintf(what, sizeof(what), "must be an integer from %lld to %lld", (long long)min,
                         (long long)max);
                return badv(l, w, key, what);
        }
        *ret = json_integer_value(v);
        return 0;
}

/* A string field; absent is fine unless required (then *ret stays NULL). */
static int get_str(struct loader *l, const struct where *w, json_t *o, const char *key,
                   bool required, const char **ret)
{
        json_t *v = json_object_get(o, key);
        *ret = NULL;
        if (!v && !required)
                return 0;
        if (!json_is_string(v))
                return badv(l, w, key, "must be a string");
        *ret = json_string_value(v);
        return 0;
}

static int get_pid(struct loader *l, const struct where *w, json_t *o, const char *key, pid_t *ret)
{
        json_int_t v = 0;
        int r = get_int(l, w, o, key, false, 0, INT32_MAX, &v);
        *ret = (pid_t)v;
        return r;
}

/* An index into the executable table (loaded first), or -1 for "unknown". */
static int get_exe(struct loader *l, const struct where *w, json_t *o, int32_t *ret)
{
        json_int_t exe = -1;
        int r =
            get_int(l, w, o, "exe", false, -1, (json_int_t)pg_recording_n_exes(l->rec) - 1, &exe);
        *ret = (int32_t)exe;
        return r;
}

/* (arch, nr) of an entry, checked against the architecture's numbering. */
static int get_syscall(struct loader *l, const struct where *w, json_t *o, enum pg_arch *ret_arch,
                       uint32_t *ret_slot)
{
        const char *arch_name, *name;
        json_int_t nr = 0;
        int r = get_str(l, w, o, "arch", true, &arch_name);
        if (r == 0)
                r = get_str(l, w, o, "name", false, &name); /* informational */
        if (r < 0)
                return r;
        enum pg_arch arch = pg_arch_from_name(arch_name);
        if (arch == PG_ARCH_INVALID)
                return badv(l, w, "arch", "unknown architecture");
        r = get_int(l, w, o, "nr", true, 0, INT64_MAX, &nr);
        if (r < 0)
                return r;
        if (!pg_arch_slot(arch, (uint64_t)nr, ret_slot))
                return badv(l, w, "nr", "not a syscall number of its architecture");
        *ret_arch = arch;
        return 0;
}

static int entry(struct loader *l, const struct where *w, json_t *o)
{
        return json_is_object(o) ? 0 : badv(l, w, NULL, "must be an object");
}

static int load_frame(struct loader *l, const struct where *w, json_t *f, struct pg_frame *fr)
{
        const char *m = NULL, *fn = NULL;
        json_int_t off = 0, foff = 0;
        int r = entry(l, w, f);
        if (r == 0)
                r = get_str(l, w, f, "module", true, &m);
        if (r == 0)
                r = get_str(l, w, f, "function", false, &fn);
        /* offsets are unsigned 64-bit values stored as JSON's signed integers: any bits go */
        if (r == 0)
                r = get_int(l, w, f, "offset", true, INT64_MIN, INT64_MAX, &off);
        if (r == 0)
                r = get_int(l, w, f, "function_offset", false, INT64_MIN, INT64_MAX, &foff);
        if (r < 0)
                return r;
        fr->module = strdup(m);
        fr->function = fn ? strdup(fn) : NULL;
        fr->offset = (uint64_t)off;
        fr->function_offset = (uint64_t)foff;
        return !fr->module || (fn && !fr->function) ? oom(l) : 0;
}

/* The optional "stack" of entry w; *ret is NULL when there is none. */
static int load_stack(struct loader *l, const struct where *w, json_t *o, struct pg_stack **ret)
{
        json_t *arr = json_object_get(o, "stack");
        *ret = NULL;
        if (!arr)
                return 0;
        if (!json_is_array(arr))
                return badv(l, w, "stack", "must be an array of frames");
        if (json_array_size(arr) == 0)
                return 0;
        struct pg_stack *s = calloc(1, sizeof(*s));
        if (!s || !(s->frames = calloc(json_array_size(arr), sizeof(*s->frames)))) {
                free(s);
                return oom(l);
        }
        char path[64];
        snprintf(path, sizeof(path), "%s[%zu].stack", w->array, w->i);
        size_t i;
        json_t *f;
        json_array_foreach(arr, i, f)
        {
                struct where fw = {path, i};
                int r = load_frame(l, &fw, f, &s->frames[s->n_frames++]);
                if (r < 0) {
                        pg_stack_free(s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

/* One call site (explain: the first stacks of a syscall, and sampled later ones). */
static int load_site(struct loader *l, const struct where *w, json_t *o, enum pg_arch arch,
                     uint32_t slot)
{
        json_int_t occ = 0;
        struct pg_call_site site = {.exe = -1};
        int r = entry(l, w, o);
        if (r == 0)
                r = get_pid(l, w, o, "pid", &site.pid);
        if (r == 0)
                r = get_pid(l, w, o, "tid", &site.tid);
        if (r == 0)
                r = get_int(l, w, o, "occurrence", false, 0, INT64_MAX, &occ);
        if (r == 0)
                r = get_exe(l, w, o, &site.exe);
        if (r == 0)
                r = load_stack(l, w, o, &site.stack);
        if (r < 0)
                return r;
        site.occurrence = (uint64_t)occ;
        r = pg_recording_add_syscall_site(l->rec, arch, slot, &site);
        pg_stack_free(site.stack);
        return r < 0 ? oom(l) : 0;
}

/* One executable that made the syscall, with its counts. */
static int load_user(struct loader *l, const struct where *w, json_t *o, enum pg_arch arch,
                     uint32_t slot)
{
        json_int_t count = 0, procs = 0;
        int32_t exe = -1;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_exe(l, w, o, &exe);
        if (r == 0)
                r = get_int(l, w, o, "count", false, 0, INT64_MAX, &count);
        if (r == 0)
                r = get_int(l, w, o, "processes", false, 0, INT64_MAX, &procs);
        if (r < 0)
                return r;
        struct pg_syscall_user u = {exe, (uint64_t)count, (uint64_t)procs};
        return pg_recording_add_syscall_user(l->rec, arch, slot, &u) < 0 ? oom(l) : 0;
}

/* The optional array `key` of syscall entry w, each element loaded by fn. */
static int load_syscall_list(struct loader *l, const struct where *w, json_t *o, const char *key,
                             enum pg_arch arch, uint32_t slot,
                             int (*fn)(struct loader *, const struct where *, json_t *,
                                       enum pg_arch, uint32_t))
{
        json_t *arr = json_object_get(o, key);
        if (!arr)
                return 0;
        if (!json_is_array(arr))
                return badv(l, w, key, "must be an array");
        char path[64];
        snprintf(path, sizeof(path), "%s[%zu].%s", w->array, w->i, key);
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e)
        {
                struct where ew = {path, i};
                int r = fn(l, &ew, e, arch, slot);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int load_syscall(struct loader *l, const struct where *w, json_t *o)
{
        enum pg_arch arch;
        uint32_t slot;
        json_int_t count = 0;
        pid_t pid = 0, tid = 0;
        int32_t exe = -1;
        struct pg_stack *stack = NULL;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_syscall(l, w, o, &arch, &slot);
        if (r == 0)
                r = get_int(l, w, o, "count", true, 1, INT64_MAX, &count);
        if (r == 0)
                r = get_pid(l, w, o, "pid", &pid);
        if (r == 0)
                r = get_pid(l, w, o, "tid", &tid);
        if (r == 0)
                r = get_exe(l, w, o, &exe);
        if (r == 0)
                r = load_stack(l, w, o, &stack);
        if (r < 0)
                return r;
        if (pg_recording_add_syscall_count(l->rec, arch, slot, (uint64_t)count, pid, tid, exe) <
            0) {
                pg_stack_free(stack);
                return oom(l);
        }
        pg_recording_set_syscall_stack(l->rec, arch, slot, stack);
        r = load_syscall_list(l, w, o, "users", arch, slot, load_user);
        if (r == 0)
                r = load_syscall_list(l, w, o, "sites", arch, slot, load_site);
        return r;
}

static int load_baseline(struct loader *l, const struct where *w, json_t *o)
{
        enum pg_arch arch;
        uint32_t slot;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_syscall(l, w, o, &arch, &slot);
        if (r == 0)
                pg_recording_add_baseline(l->rec, arch, slot);
        return r;
}

static int load_fact(struct loader *l, const struct where *w, json_t *o)
{
        struct pg_fact f = {0};
        const char *key = NULL, *detail = NULL;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_str(l, w, o, "key", true, &key);
        if (r == 0)
                r = get_syscall(l, w, o, &f.arch, &f.slot);
        if (r == 0)
                r = get_str(l, w, o, "detail", false, &detail);
        if (r == 0)
                r = get_pid(l, w, o, "pid", &f.pid);
        if (r == 0)
                r = get_exe(l, w, o, &f.exe);
        if (r < 0)
                return r;
        f.key = (char *)key;
        f.detail = (char *)detail;
        return pg_recording_add_fact(l->rec, &f) < 0 ? oom(l) : 0;
}

static int get_cap_source(struct loader *l, const struct where *w, json_t *o,
                          enum pg_cap_source *ret)
{
        const char *src;
        int r = get_str(l, w, o, "source", false, &src);
        if (r < 0 || !src || strcmp(src, "inference") == 0)
                *ret = PG_CAP_SOURCE_INFERENCE;
        else if (strcmp(src, "kernel") == 0)
                *ret = PG_CAP_SOURCE_KERNEL;
        else
                return badv(l, w, "source", "must be \"inference\" or \"kernel\"");
        return r;
}

static int load_cap(struct loader *l, const struct where *w, json_t *o)
{
        struct pg_cap_evidence ev = {0};
        const char *name = NULL, *detail = NULL, *note = NULL;
        json_int_t count = 1;
        cap_value_t cap;
        struct pg_stack *stack = NULL;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_str(l, w, o, "cap", true, &name);
        if (r == 0 && cap_from_name(name, &cap) < 0)
                r = badv(l, w, "cap", "not a capability name libcap knows");
        if (r == 0)
                r = get_cap_source(l, w, o, &ev.source);
        if (r == 0)
                r = get_syscall(l, w, o, &ev.arch, &ev.slot);
        if (r == 0)
                r = get_str(l, w, o, "detail", false, &detail);
        if (r == 0)
                r = get_str(l, w, o, "note", false, &note);
        if (r == 0)
                r = get_pid(l, w, o, "pid", &ev.pid);
        if (r == 0)
                r = get_int(l, w, o, "count", false, 1, INT64_MAX, &count);
        if (r == 0)
                r = get_exe(l, w, o, &ev.exe);
        if (r == 0)
                r = load_stack(l, w, o, &stack);
        if (r < 0)
                return r;
        ev.cap = cap;
        ev.detail = (char *)detail;
        ev.note = (char *)note;
        ev.count = (uint64_t)count;
        if (pg_recording_add_cap(l->rec, &ev) < 0) {
                pg_stack_free(stack);
                return oom(l);
        }
        pg_recording_set_cap_stack(l->rec, pg_recording_n_caps(l->rec) - 1, stack);
        return 0;
}

static int load_process(struct loader *l, const struct where *w, json_t *o)
{
        json_int_t pid = 0;
        pid_t ppid = 0;
        int r = entry(l, w, o);
        if (r == 0)
                r = get_int(l, w, o, "pid", true, 0, INT32_MAX, &pid);
        if (r == 0)
                r = get_pid(l, w, o, "ppid", &ppid);
        json_t *exes = json_object_get(o, "exes");
        if (r == 0 && exes && !json_is_array(exes))
                r = badv(l, w, "exes", "must be an array of executable indexes");
        if (r < 0)
                return r;
        if (pg_recording_add_process(l->rec, (pid_t)pid, ppid) < 0)
                return oom(l);
        char field[32];
        size_t e;
        json_t *x;
        json_array_foreach(exes, e, x)
        {
                json_int_t idx = json_integer_value(x);
                snprintf(field, sizeof(field), "exes[%zu]", e);
                if (!json_is_integer(x) || idx < 0 || (size_t)idx >= pg_recording_n_exes(l->rec))
                        return badv(l, w, field, "must be an index into `executables`");
                if (pg_recording_process_exec(l->rec, (pid_t)pid, (int32_t)idx) < 0)
                        return oom(l);
        }
        return 0;
}

/* Calls fn for every entry of the top-level array `name` (absent: none). */
static int load_array(struct loader *l, json_t *root, const char *name,
                      int (*fn)(struct loader *, const struct where *, json_t *))
{
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(root, name), i, o)
        {
                struct where w = {name, i};
                int r = fn(l, &w, o);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int load_executable(struct loader *l, const struct where *w, json_t *v)
{
        int32_t idx;
        if (!json_is_string(v))
                return badv(l, w, NULL, "must be a string");
        return pg_recording_intern_exe(l->rec, json_string_value(v), &idx) < 0 ? oom(l) : 0;
}

static int load_note(struct loader *l, const struct where *w, json_t *v)
{
        if (!json_is_string(v))
                return badv(l, w, NULL, "must be a string");
        return pg_recording_add_note(l->rec, json_string_value(v)) < 0 ? oom(l) : 0;
}

static int load_header(struct loader *l, json_t *root)
{
        json_t *cmd = json_object_get(root, "command"), *v;
        size_t i, n = json_array_size(cmd);
        const char *tracing;
        json_int_t status = 0;
        _cleanup_free_ char **argv = calloc(n + 1, sizeof(*argv));
        if (!argv)
                return oom(l);
        json_array_foreach(cmd, i, v)
        {
                struct where w = {"command", i};
                if (!json_is_string(v))
                        return badv(l, &w, NULL, "must be a string");
                argv[i] = (char *)json_string_value(v);
        }
        if (pg_recording_set_command(l->rec, argv) < 0)
                return oom(l);
        int r = get_int(l, NULL, root, "exit_status", false, 0, 255, &status);
        if (r == 0)
                r = get_str(l, NULL, root, "tracing", false, &tracing);
        if (r < 0)
                return r;
        pg_recording_set_exit_status(l->rec, (int)status);
        if (tracing && pg_recording_set_tracing(l->rec, tracing) < 0)
                return oom(l);
        return 0;
}

static int check_root(struct loader *l, json_t *root)
{
        json_int_t version;
        if (!json_is_object(root))
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                       "%s: a recording is a JSON object", l->path);
        if (!json_object_get(root, "profgen_recording"))
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                       "%s: not a profgen recording (no `profgen_recording` "
                                       "version field)",
                                       l->path);
        int r = get_int(l, NULL, root, "profgen_recording", true, 0, INT32_MAX, &version);
        if (r < 0)
                return r;
        if (version != PG_RECORDING_VERSION)
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                       "%s: recording format version %lld is not supported "
                                       "(this profgen reads version %d)",
                                       l->path, (long long)version, PG_RECORDING_VERSION);
        static const char *const arrays[] = {"command", "executables",  "processes", "syscalls",
                                             "facts",   "capabilities", "notes",     "baseline"};
        for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
                json_t *v = json_object_get(root, arrays[i]);
                if (v && !json_is_array(v))
                        return badv(l, NULL, arrays[i], "must be an array");
        }
        return 0;
}

int pg_recording_load(const char *path, struct pg_recording **ret, struct pg_error **err)
{
        json_error_t jerr;
        _cleanup_json_ json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!root && jerr.line < 0) /* could not read it: jansson says why */
                return pg_error_set_at(err, -ENOENT, path, 0, 0, "%s", jerr.text);
        if (!root) /* the position is in the error (file:line:column), as the profile reader's */
                return pg_error_set_at(err, -EINVAL, path, jerr.line > 0 ? jerr.line : 1,
                                       jerr.column > 0 ? jerr.column : 1, "invalid JSON: %s",
                                       jerr.text);
        _cleanup_recording_ struct pg_recording *rec = NULL;
        if (pg_recording_new(&rec) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        struct loader l = {path, rec, err};
        /* executables first: the other sections refer to them by index */
        int r = check_root(&l, root);
        if (r == 0)
                r = load_header(&l, root);
        if (r == 0)
                r = load_array(&l, root, "executables", load_executable);
        if (r == 0)
                r = load_array(&l, root, "notes", load_note);
        if (r == 0)
                r = load_array(&l, root, "processes", load_process);
        if (r == 0)
                r = load_array(&l, root, "syscalls", load_syscall);
        if (r == 0)
                r = load_array(&l, root, "baseline", load_baseline);
        if (r == 0)
                r = load_array(&l, root, "facts", load_fact);
        if (r == 0)
                r = load_array(&l, root, "capabilities", load_cap);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(rec);
        return 0;
}
