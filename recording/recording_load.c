// SPDX-License-Identifier: MIT
/* Loading recording files. They may come from anywhere (CI artefacts), so every field is checked
 * and an error names the file and the JSON path of what was wrong. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profgen/cleanup.h"
#include "profgen/recording.h"

struct loader {
        const char *path;
        struct pg_recording *rec;
        struct pg_error **err;
};

static int bad(struct loader *l, const char *where, size_t i, const char *what)
{
        return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0, "%s: %s[%zu]: %s", l->path, where, i,
                               what);
}

static int get_int(json_t *o, const char *key, json_int_t *ret)
{
        json_t *v = json_object_get(o, key);
        if (!v)
                return -ENOENT;
        if (!json_is_integer(v))
                return -EINVAL;
        *ret = json_integer_value(v);
        return 0;
}

/* (arch, nr) of an entry, checked against libseccomp's knowledge of the architecture. */
static int get_syscall(struct loader *l, json_t *o, const char *where, size_t i,
                       enum pg_arch *ret_arch, uint32_t *ret_slot)
{
        const char *arch_name = json_string_value(json_object_get(o, "arch"));
        json_int_t nr;
        if (!arch_name)
                return bad(l, where, i, "missing string field `arch`");
        enum pg_arch arch = pg_arch_from_name(arch_name);
        if (arch == PG_ARCH_INVALID)
                return bad(l, where, i, "unknown architecture");
        if (get_int(o, "nr", &nr) < 0 || nr < 0 || !pg_arch_slot(arch, (uint64_t)nr, ret_slot))
                return bad(l, where, i, "`nr` must be a syscall number of its architecture");
        *ret_arch = arch;
        return 0;
}

static int32_t get_exe(struct loader *l, json_t *o)
{
        json_int_t exe = -1;
        if (get_int(o, "exe", &exe) < 0 || exe < 0 || (size_t)exe >= pg_recording_n_exes(l->rec))
                return -1;
        return (int32_t)exe;
}

static struct pg_stack *load_stack(json_t *arr)
{
        if (!json_is_array(arr) || json_array_size(arr) == 0)
                return NULL;
        struct pg_stack *s = calloc(1, sizeof(*s));
        if (!s || !(s->frames = calloc(json_array_size(arr), sizeof(*s->frames)))) {
                free(s);
                return NULL;
        }
        size_t i;
        json_t *f;
        json_array_foreach(arr, i, f)
        {
                struct pg_frame *fr = &s->frames[s->n_frames++];
                const char *m = json_string_value(json_object_get(f, "module"));
                const char *fn = json_string_value(json_object_get(f, "function"));
                json_int_t off = 0, foff = 0;
                get_int(f, "offset", &off);
                get_int(f, "function_offset", &foff);
                fr->module = strdup(m ? m : "?");
                fr->function = fn ? strdup(fn) : NULL;
                fr->offset = (uint64_t)off;
                fr->function_offset = (uint64_t)foff;
        }
        return s;
}

static int load_syscalls(struct loader *l, json_t *arr)
{
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                enum pg_arch arch;
                uint32_t slot;
                json_int_t count = 0, pid = 0, tid = 0;
                int r = get_syscall(l, o, "syscalls", i, &arch, &slot);
                if (r < 0)
                        return r;
                if (get_int(o, "count", &count) < 0 || count < 1)
                        return bad(l, "syscalls", i, "`count` must be a positive integer");
                get_int(o, "pid", &pid);
                get_int(o, "tid", &tid);
                r = pg_recording_add_syscall_count(l->rec, arch, slot, (uint64_t)count, (pid_t)pid,
                                                   (pid_t)tid, get_exe(l, o));
                if (r < 0)
                        return pg_error_set(l->err, r, "out of memory");
                pg_recording_set_syscall_stack(l->rec, arch, slot,
                                               load_stack(json_object_get(o, "stack")));
        }
        return 0;
}

static int load_baseline(struct loader *l, json_t *arr)
{
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                enum pg_arch arch;
                uint32_t slot;
                int r = get_syscall(l, o, "baseline", i, &arch, &slot);
                if (r < 0)
                        return r;
                pg_recording_add_baseline(l->rec, arch, slot);
        }
        return 0;
}

static int load_facts(struct loader *l, json_t *arr)
{
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                struct pg_fact f = {0};
                json_int_t pid = 0;
                int r = get_syscall(l, o, "facts", i, &f.arch, &f.slot);
                if (r < 0)
                        return r;
                f.key = (char *)json_string_value(json_object_get(o, "key"));
                if (!f.key)
                        return bad(l, "facts", i, "missing string field `key`");
                f.detail = (char *)json_string_value(json_object_get(o, "detail"));
                get_int(o, "pid", &pid);
                f.pid = (pid_t)pid;
                f.exe = get_exe(l, o);
                if (pg_recording_add_fact(l->rec, &f) < 0)
                        return pg_error_set(l->err, -ENOMEM, "out of memory");
        }
        return 0;
}

static int load_caps(struct loader *l, json_t *arr)
{
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                struct pg_cap_evidence ev = {0};
                json_int_t pid = 0, count = 1;
                cap_value_t cap;
                const char *name = json_string_value(json_object_get(o, "cap"));
                const char *src = json_string_value(json_object_get(o, "source"));
                if (!name || cap_from_name(name, &cap) < 0)
                        return bad(l, "capabilities", i, "`cap` must be a capability name");
                int r = get_syscall(l, o, "capabilities", i, &ev.arch, &ev.slot);
                if (r < 0)
                        return r;
                ev.cap = cap;
                ev.source = src && strcmp(src, "kernel") == 0 ? PG_CAP_SOURCE_KERNEL
                                                              : PG_CAP_SOURCE_INFERENCE;
                ev.detail = (char *)json_string_value(json_object_get(o, "detail"));
                ev.note = (char *)json_string_value(json_object_get(o, "note"));
                get_int(o, "pid", &pid);
                get_int(o, "count", &count);
                ev.pid = (pid_t)pid;
                ev.count = count > 0 ? (uint64_t)count : 1;
                ev.exe = get_exe(l, o);
                if (pg_recording_add_cap(l->rec, &ev) < 0)
                        return pg_error_set(l->err, -ENOMEM, "out of memory");
                struct pg_stack *st = load_stack(json_object_get(o, "stack"));
                pg_recording_set_cap_stack(l->rec, pg_recording_n_caps(l->rec) - 1, st);
        }
        return 0;
}

static int load_processes(struct loader *l, json_t *arr)
{
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                json_int_t pid = 0, ppid = 0;
                if (get_int(o, "pid", &pid) < 0)
                        return bad(l, "processes", i, "missing integer field `pid`");
                get_int(o, "ppid", &ppid);
                int r = pg_recording_add_process(l->rec, (pid_t)pid, (pid_t)ppid);
                size_t e;
                json_t *x;
                json_array_foreach(json_object_get(o, "exes"), e, x)
                {
                        json_int_t idx = json_integer_value(x);
                        if (r == 0 && idx >= 0 && (size_t)idx < pg_recording_n_exes(l->rec))
                                r = pg_recording_process_exec(l->rec, (pid_t)pid, (int32_t)idx);
                }
                if (r < 0)
                        return pg_error_set(l->err, r, "out of memory");
        }
        return 0;
}

static int load_strings(struct loader *l, json_t *root)
{
        json_t *cmd = json_object_get(root, "command"), *v;
        size_t i, n = json_array_size(cmd);
        _cleanup_free_ char **argv = calloc(n + 1, sizeof(*argv));
        if (!argv)
                return pg_error_set(l->err, -ENOMEM, "out of memory");
        json_array_foreach(cmd, i, v)
        {
                if (!json_is_string(v))
                        return bad(l, "command", i, "must be a string");
                argv[i] = (char *)json_string_value(v);
        }
        int r = pg_recording_set_command(l->rec, argv);
        json_array_foreach(json_object_get(root, "executables"), i, v)
        {
                int32_t idx;
                if (!json_is_string(v))
                        return bad(l, "executables", i, "must be a string");
                if (r == 0)
                        r = pg_recording_intern_exe(l->rec, json_string_value(v), &idx);
        }
        json_array_foreach(json_object_get(root, "notes"), i, v)
        {
                if (r == 0 && json_is_string(v))
                        r = pg_recording_add_note(l->rec, json_string_value(v));
        }
        const char *tracing = json_string_value(json_object_get(root, "tracing"));
        if (r == 0 && tracing)
                r = pg_recording_set_tracing(l->rec, tracing);
        return r < 0 ? pg_error_set(l->err, r, "out of memory") : 0;
}

static int check_root(struct loader *l, json_t *root)
{
        json_int_t version;
        if (!json_is_object(root))
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                       "%s: a recording is a JSON object", l->path);
        if (get_int(root, "profgen_recording", &version) < 0)
                return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                       "%s: not a profgen recording (no `profgen_recording` "
                                       "version field)",
                                       l->path);
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
                        return pg_error_set_at(l->err, -EINVAL, l->path, 0, 0,
                                               "%s: `%s` must be an array", l->path, arrays[i]);
        }
        return 0;
}

int pg_recording_load(const char *path, struct pg_recording **ret, struct pg_error **err)
{
        json_error_t jerr;
        _cleanup_json_ json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
                int code = jerr.line < 0 ? -ENOENT : -EINVAL;
                return pg_error_set_at(err, code, path, jerr.line > 0 ? jerr.line : 0,
                                       jerr.column > 0 ? jerr.column : 0, "%s: %s", path,
                                       jerr.text);
        }
        _cleanup_recording_ struct pg_recording *rec = NULL;
        if (pg_recording_new(&rec) < 0)
                return pg_error_set(err, -ENOMEM, "out of memory");
        struct loader l = {path, rec, err};
        json_int_t status = 0;
        int r = check_root(&l, root);
        if (r == 0)
                r = load_strings(&l, root);
        if (r == 0)
                r = load_processes(&l, json_object_get(root, "processes"));
        if (r == 0)
                r = load_syscalls(&l, json_object_get(root, "syscalls"));
        if (r == 0)
                r = load_baseline(&l, json_object_get(root, "baseline"));
        if (r == 0)
                r = load_facts(&l, json_object_get(root, "facts"));
        if (r == 0)
                r = load_caps(&l, json_object_get(root, "capabilities"));
        if (r < 0)
                return r;
        get_int(root, "exit_status", &status);
        pg_recording_set_exit_status(rec, (int)status);
        *ret = TAKE_PTR(rec);
        return 0;
}
