/* SPDX-License-Identifier: Apache-2.0 */
/* rp_trim_pages: see trim.h. */
#include "trim.h"

#include <elf.h>
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

static int drop_code(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uintptr_t page = (uintptr_t) * (long *)data;
    /* The vDSO is the kernel's own mapping, not a file's: leave it. */
    uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        /* Only segments mapped without write permission (code, read-only
         * data): their pages are the file's. A writable private page
         * (.data, the GOT, which RELRO write-protects only after the
         * loader wrote it) holds the process's own copy, which
         * MADV_DONTNEED would throw away. */
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
            continue;
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        uintptr_t end = start + ph->p_memsz;
        if (vdso && start <= vdso + page && vdso < end)
            continue;
        start &= ~(page - 1);
        end = (end + page - 1) & ~(page - 1);
        madvise((void *)start, end - start, MADV_DONTNEED);
    }
    return 0;
}

void rp_trim_pages(void)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    dl_iterate_phdr(drop_code, &page);
    malloc_trim(0);
}
