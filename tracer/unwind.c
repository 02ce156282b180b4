// SPDX-License-Identifier: MIT
/* Taking a stopped thread's call stack with libunwind's ptrace accessors, and naming its frames:
 * module + offset from the process's maps, the function from unw_get_proc_name (cached). */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "profgen/cleanup.h"
#include "unwind_internal.h"

struct pg_unwind_proc {
        unw_addr_space_t as; /* libunwind's caches for this address space */
        struct pg_maps *maps;
        bool stale; /* mappings changed since maps was read */
        struct pg_unwind_proc *next, **pprev;
};

/* ---- module paths and the function-name cache ---- */

static size_t name_hash(const char *module, uint64_t offset, size_t cap)
{
        uint64_t h = ((uintptr_t)module >> 4) * 0x9e3779b97f4a7c15ull ^ offset;
        h *= 0xff51afd7ed558ccdull;
        return (size_t)(h >> 32) & (cap - 1);
}

static struct pg_unwind_name *name_slot(struct pg_unwind_name *tab, size_t cap, const char *module,
                                        uint64_t offset)
{
        size_t i = name_hash(module, offset, cap);
        while (tab[i].module && (tab[i].module != module || tab[i].offset != offset))
                i = (i + 1) & (cap - 1);
        return &tab[i];
}

static int names_grow(struct pg_unwinder *u)
{
        size_t nc = u->names_cap ? u->names_cap * 2 : 256;
        struct pg_unwind_name *nt = calloc(nc, sizeof(*nt));
        if (!nt)
                return -ENOMEM;
        for (size_t i = 0; i < u->names_cap; i++)
                if (u->names[i].module)
                        *name_slot(nt, nc, u->names[i].module, u->names[i].offset) = u->names[i];
        free(u->names);
        u->names = nt;
        u->names_cap = nc;
        return 0;
}

/* unw_get_proc_name answers with the nearest symbol below ip, whatever its size: in a library
 * without its full symbol table, a static function (glibc's start_thread) would be named after
 * the exported one before it. The unwind info knows where the function really starts: a name
 * that does not start there is dropped rather than shown wrong. */
static void set_name(struct pg_unwind_name *e, unw_cursor_t *c, uint64_t ip)
{
        char buf[512];
        unw_word_t off = 0;
        unw_proc_info_t pi;
        if (unw_get_proc_name(c, buf, sizeof(buf), &off) != 0 || !buf[0])
                return;
        if (unw_get_proc_info(c, &pi) == 0 && pi.start_ip && pi.start_ip != ip - off)
                return;
        e->function = strdup(buf);
        e->function_offset = off;
}

/* The cached entry of (module, offset), or a new one filled from the cursor. */
static const struct pg_unwind_name *lookup_name(struct pg_unwinder *u, unw_cursor_t *c, uint64_t ip,
                                                const char *module, uint64_t offset)
{
        if ((u->names_n + 1) * 4 > u->names_cap * 3 && names_grow(u) < 0)
                return NULL;
        struct pg_unwind_name *e = name_slot(u->names, u->names_cap, module, offset);
        if (e->module) {
                u->stats.name_hits++;
                return e;
        }
        u->stats.name_misses++;
        *e = (struct pg_unwind_name){.module = module, .offset = offset};
        set_name(e, c, ip);
        u->names_n++;
        return e;
}

/* ---- per-process state ---- */

static void proc_free(struct pg_unwind_proc *p)
{
        if (!p)
                return;
        if (p->as)
                unw_destroy_addr_space(p->as);
        pg_maps_free(p->maps);
        free(p);
}

void pg_unwind_proc_drop(struct pg_unwinder *u, struct pg_tproc *proc)
{
        struct pg_unwind_proc *p = proc->unwind;
        (void)u;
        if (!p)
                return;
        *p->pprev = p->next;
        if (p->next)
                p->next->pprev = p->pprev;
        proc_free(p);
        proc->unwind = NULL;
}

void pg_unwind_proc_stale(struct pg_tproc *proc)
{
        struct pg_unwind_proc *p = proc->unwind;
        if (p)
                p->stale = true;
}

static struct pg_unwind_proc *proc_state(struct pg_unwinder *u, struct pg_tproc *proc)
{
        struct pg_unwind_proc *p = proc->unwind;
        if (p)
                return p;
        p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->as = unw_create_addr_space(&pg_unwind_accessors, 0);
        if (!p->as) {
                free(p);
                return NULL;
        }
        /* One process's stacks share most frames (main, the libc wrappers): keep what libunwind
         * learnt about them for the next stack. */
        unw_set_caching_policy(p->as, UNW_CACHE_GLOBAL);
        p->next = u->procs;
        p->pprev = &u->procs;
        if (u->procs)
                u->procs->pprev = &p->next;
        u->procs = p;
        proc->unwind = p;
        return p;
}

/* A non-PIE executable is loaded at the addresses it was linked for: its offsets are the
 * addresses themselves (what addr2line wants), so its bias is 0. */
static void fix_exe_bias(struct pg_maps *m, const struct pg_tracee *t)
{
        const char *exe = t->proc->exe;
        for (size_t i = 0; exe && i < pg_maps_count(m); i++) {
                const struct pg_map *mp = pg_maps_at(m, i);
                uint16_t type = 0;
                if (mp->pgoff != 0 || strcmp(mp->path, exe) != 0)
                        continue;
                if (pg_tracee_read(t, mp->start + EI_NIDENT, &type, sizeof(type)) ==
                        (ssize_t)sizeof(type) &&
                    type == ET_EXEC)
                        pg_maps_set_bias(m, exe, 0);
                return;
        }
}

static int reload_maps(struct pg_unwinder *u, struct pg_unwind_proc *p, const struct pg_tracee *t)
{
        struct pg_maps *m;
        int r = pg_maps_read(t->proc->pid, &m);
        if (r < 0)
                return r;
        fix_exe_bias(m, t);
        pg_maps_free(p->maps);
        p->maps = m;
        if (p->stale)
                unw_flush_cache(p->as, 0, 0);
        p->stale = false;
        u->stats.maps_reads++;
        return 0;
}

/* ---- stacks ---- */

struct walk {
        struct pg_unwinder *u;
        struct pg_unwind_proc *p;
        const struct pg_tracee *t;
        struct pg_stack *s;
        bool reloaded; /* maps were read during this walk: a miss is a real miss */
};

static int add_frame(struct walk *w, unw_cursor_t *c, uint64_t ip)
{
        const struct pg_map *m = w->p->maps ? pg_maps_find(w->p->maps, ip) : NULL;
        if (!m && !w->reloaded) {
                w->reloaded = true; /* a library loaded since: one read per stack at most */
                if (reload_maps(w->u, w->p, w->t) == 0)
                        m = pg_maps_find(w->p->maps, ip);
        }
        struct pg_frame *f = &w->s->frames[w->s->n_frames];
        *f = (struct pg_frame){.offset = m ? ip - m->bias : ip};
        if (m) {
                const char *module = pg_unwind_intern(&w->u->modules, &w->u->n_modules, m->path);
                /* Without a cursor there is no name to learn: leave the cache alone. */
                const struct pg_unwind_name *n =
                    module && c ? lookup_name(w->u, c, ip, module, f->offset) : NULL;
                if (!module || !(f->module = strdup(module)))
                        return -ENOMEM;
                if (n && n->function) {
                        if (!(f->function = strdup(n->function)))
                                return -ENOMEM;
                        f->function_offset = n->function_offset;
                }
        }
        w->s->n_frames++;
        return 0;
}

/* The instruction pointer alone, for a thread libunwind cannot unwind (another ABI, say). */
static int ip_only(struct walk *w)
{
        uint64_t ip;
        w->u->stats.failures++;
        if (pg_unwind_ctx_ip(w->u->ctx, &ip) < 0 || ip == 0)
                return -ESRCH;
        return add_frame(w, NULL, ip);
}

static int walk(struct walk *w, unsigned depth)
{
        unw_cursor_t c;
        unw_word_t ip = 0;
        if (unw_init_remote(&c, w->p->as, w->u->ctx) < 0)
                return ip_only(w);
        while (w->s->n_frames < depth) {
                if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
                        break;
                int r = add_frame(w, &c, ip);
                if (r < 0)
                        return r;
                r = unw_step(&c);
                if (r < 0)
                        w->u->stats.failures++;
                if (r <= 0)
                        break;
        }
        return w->s->n_frames ? 0 : ip_only(w);
}

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int pg_unwind_capture(struct pg_unwinder *u, const struct pg_tracee *t, unsigned depth,
                      struct pg_stack **ret_stack)
{
        uint64_t t0 = now_ns();
        depth = depth ? depth : u->opts.depth;
        if (depth > PG_UNWIND_MAX_DEPTH)
                depth = PG_UNWIND_MAX_DEPTH;
        struct walk w = {.u = u, .t = t, .p = proc_state(u, t->proc)};
        struct pg_stack *s = calloc(1, sizeof(*s));
        if (s)
                s->frames = calloc(depth, sizeof(*s->frames));
        if (!w.p || !s || !s->frames || pg_unwind_ctx_open(u->ctx, t->tid) < 0) {
                pg_stack_free(s);
                return -ENOMEM;
        }
        w.s = s;
        if (!w.p->maps || w.p->stale) {
                /* A failure leaves frames without a module, not without an address. */
                reload_maps(u, w.p, t);
                w.reloaded = true;
        }
        int r = walk(&w, depth);
        pg_unwind_ctx_close(u->ctx);
        u->stats.nsec += now_ns() - t0;
        if (r < 0) {
                pg_stack_free(s);
                return r;
        }
        u->stats.stacks++;
        u->stats.frames += s->n_frames;
        *ret_stack = s;
        return 0;
}

int pg_unwind_capture_pid(struct pg_unwinder *u, pid_t pid, pid_t tid, unsigned depth,
                          struct pg_stack **ret_stack)
{
        char link[64], exe[4096];
        snprintf(link, sizeof(link), "/proc/%d/exe", pid);
        ssize_t n = readlink(link, exe, sizeof(exe) - 1);
        exe[n > 0 ? n : 0] = '\0';
        /* A process of the caller's own: the state lives for this one stack. */
        struct pg_tproc proc = {.pid = pid, .exe = n > 0 ? exe : NULL, .exe_id = -1, .refs = 1};
        struct pg_tracee t = {.tid = tid, .proc = &proc};
        int r = pg_unwind_capture(u, &t, depth, ret_stack);
        pg_unwind_proc_drop(u, &proc);
        return r;
}

/* ---- the object ---- */

int pg_unwinder_new(struct pg_recording *rec, const struct pg_unwind_opts *opts,
                    struct pg_unwinder **ret)
{
        static const char *const remaps[] = {"mmap", "mmap2", "munmap", "mremap"};
        struct pg_unwinder *u = calloc(1, sizeof(*u));
        if (!u)
                return -ENOMEM;
        u->rec = rec;
        u->opts.depth = PG_UNWIND_DEFAULT_DEPTH;
        if (opts)
                u->opts = *opts;
        u->ctx = calloc(1, sizeof(*u->ctx));
        if (!u->ctx || u->opts.depth == 0 || u->opts.depth > PG_UNWIND_MAX_DEPTH) {
                int r = u->ctx ? -EINVAL : -ENOMEM;
                free(u->ctx);
                free(u);
                return r;
        }
        for (int a = 0; a < PG_ARCH_COUNT; a++)
                for (size_t i = 0; i < sizeof(remaps) / sizeof(remaps[0]); i++) {
                        uint32_t slot;
                        if (pg_arch_traceable(a) && pg_arch_syscall_slot(a, remaps[i], &slot) == 0)
                                pg_syscall_set_add(&u->remaps, a, slot);
                }
        pg_unwind_observer_init(u);
        *ret = u;
        return 0;
}

void pg_unwinder_free(struct pg_unwinder *u)
{
        if (!u)
                return;
        /* The tracer (and its pg_tproc) may be gone already: only our own list is walked. */
        while (u->procs) {
                struct pg_unwind_proc *p = u->procs;
                u->procs = p->next;
                proc_free(p);
        }
        for (size_t i = 0; i < u->n_modules; i++)
                free(u->modules[i]);
        free(u->modules);
        for (size_t i = 0; i < u->names_cap; i++)
                free(u->names[i].function);
        free(u->names);
        free(u->ctx);
        free(u);
}

const struct pg_observer *pg_unwinder_observer(struct pg_unwinder *u)
{
        return &u->obs;
}

void pg_unwinder_stats(const struct pg_unwinder *u, struct pg_unwind_stats *ret)
{
        *ret = u->stats;
}
