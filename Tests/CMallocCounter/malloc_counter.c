#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include "malloc_counter.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread int counting;
static __thread long count;
static __thread int tracing;
static __thread int inside;

#include <execinfo.h>
static void note(void) {
    if (!counting) return;
    count++;
    if (tracing > 0 && !inside) {
        inside = 1;
        tracing--;
        void *frames[24];
        int n = backtrace(frames, 24);
        backtrace_symbols_fd(frames, n, 2);
        (void)!write(2, "----\n", 5);
        inside = 0;
    }
}
void m2grl_malloc_counter_trace(int n) { tracing = n; }

void m2grl_malloc_counter_start(void) { count = 0; counting = 1; }
long m2grl_malloc_counter_stop(void) { counting = 0; return count; }

void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { note(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { note(); return __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    note();
    void *p = __libc_memalign(alignment, size);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}
