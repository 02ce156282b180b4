// SPDX-License-Identifier: MIT
/* libunwind's ptrace accessors with a page cache in front of access_mem. Unwinding a remote
 * process reads its .eh_frame_hdr search table and the FDEs through access_mem one word at a
 * time, which _UPT_access_mem turns into one PTRACE_PEEKDATA each: hundreds of syscalls per
 * stack. Reading whole pages with process_vm_readv and answering from them makes that a few. */
#include <errno.h>
#include <libunwind-ptrace.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "unwind_internal.h"

#define PAGE 4096u

/* _UPT_find_proc_info hands its own arg (the UPT state, not ours) to the accessors it calls,
 * access_mem among them: while it runs, that pointer stands for this context. libunwind gives
 * accessors no other way back to their caller's state, and the tracer unwinds one thread at a
 * time, so one pointer is enough. */
static struct pg_unwind_ctx *in_find_proc_info;

static struct pg_unwind_ctx *ctx_of(void *arg)
{
        if (in_find_proc_info && arg == in_find_proc_info->upt)
                return in_find_proc_info;
        return arg;
}

static bool page_read(struct pg_unwind_ctx *c, struct pg_unwind_page *p, uint64_t base)
{
        struct iovec local = {p->data, PAGE}, remote = {(void *)(uintptr_t)base, PAGE};
        p->valid = process_vm_readv(c->tid, &local, 1, &remote, 1, 0) == (ssize_t)PAGE;
        p->base = base;
        return p->valid;
}

static const struct pg_unwind_page *page_get(struct pg_unwind_ctx *c, uint64_t base)
{
        for (size_t i = 0; i < PG_UNWIND_PAGES; i++)
                if (c->pages[i].valid && c->pages[i].base == base)
                        return &c->pages[i];
        struct pg_unwind_page *p = &c->pages[c->next];
        c->next = (c->next + 1) % PG_UNWIND_PAGES;
        return page_read(c, p, base) ? p : NULL;
}

/* len bytes at addr, from cached pages; false when a page cannot be read that way. */
static bool cached_read(struct pg_unwind_ctx *c, uint64_t addr, void *buf, size_t len)
{
        char *out = buf;
        while (len) {
                uint64_t base = addr & ~(uint64_t)(PAGE - 1);
                const struct pg_unwind_page *p = page_get(c, base);
                if (!p)
                        return false;
                size_t at = (size_t)(addr - base), n = PAGE - at < len ? PAGE - at : len;
                memcpy(out, p->data + at, n);
                out += n;
                addr += n;
                len -= n;
        }
        return true;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
        struct pg_unwind_ctx *c = ctx_of(arg);
        if (!write && cached_read(c, addr, val, sizeof(*val)))
                return 0;
        return _UPT_access_mem(as, addr, val, write, c->upt);
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need,
                          void *arg)
{
        struct pg_unwind_ctx *c = ctx_of(arg), *outer = in_find_proc_info;
        in_find_proc_info = c;
        int r = _UPT_find_proc_info(as, ip, pi, need, c->upt);
        in_find_proc_info = outer;
        return r;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
        _UPT_put_unwind_info(as, pi, ctx_of(arg)->upt);
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *ret, void *arg)
{
        return _UPT_get_dyn_info_list_addr(as, ret, ctx_of(arg)->upt);
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
        return _UPT_access_reg(as, reg, val, write, ctx_of(arg)->upt);
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
                        void *arg)
{
        return _UPT_access_fpreg(as, reg, val, write, ctx_of(arg)->upt);
}

static int resume(unw_addr_space_t as, unw_cursor_t *cur, void *arg)
{
        return _UPT_resume(as, cur, ctx_of(arg)->upt);
}

static int get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len, unw_word_t *off,
                         void *arg)
{
        return _UPT_get_proc_name(as, ip, buf, len, off, ctx_of(arg)->upt);
}

unw_accessors_t pg_unwind_accessors = {
    .find_proc_info = find_proc_info,
    .put_unwind_info = put_unwind_info,
    .get_dyn_info_list_addr = get_dyn_info_list_addr,
    .access_mem = access_mem,
    .access_reg = access_reg,
    .access_fpreg = access_fpreg,
    .resume = resume,
    .get_proc_name = get_proc_name,
};

int pg_unwind_ctx_open(struct pg_unwind_ctx *c, pid_t tid)
{
        for (size_t i = 0; i < PG_UNWIND_PAGES; i++)
                c->pages[i].valid = false;
        c->next = 0;
        c->tid = tid;
        c->upt = _UPT_create(tid);
        return c->upt ? 0 : -ENOMEM;
}

void pg_unwind_ctx_close(struct pg_unwind_ctx *c)
{
        if (c->upt)
                _UPT_destroy(c->upt);
        c->upt = NULL;
}

/* PTRACE_GET_SYSCALL_INFO reports the instruction pointer at any ptrace stop and for any ABI,
 * where libunwind's register accessor reads 0 for a 32-bit thread. */
int pg_unwind_ctx_ip(const struct pg_unwind_ctx *c, uint64_t *ret)
{
        struct __ptrace_syscall_info info;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, c->tid, (void *)sizeof(info), &info) <= 0)
                return -ESRCH;
        *ret = info.instruction_pointer;
        return 0;
}
