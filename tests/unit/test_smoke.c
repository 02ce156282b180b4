// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "profgen/arch.h"

static void arch_names(void **state)
{
        (void)state;
        uint32_t slot;
        assert_int_equal(pg_arch_syscall_slot(PG_ARCH_X86_64, "read", &slot), 0);
        assert_int_equal(slot, 0);
        assert_string_equal(pg_arch_syscall_name(PG_ARCH_X32, 0), "read");
}

int main(void)
{
        const struct CMUnitTest tests[] = {cmocka_unit_test(arch_names)};
        return cmocka_run_group_tests(tests, NULL, NULL);
}
