#ifndef M2GRL_MALLOC_COUNTER_H
#define M2GRL_MALLOC_COUNTER_H
/* Counts heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made
   by the calling thread between start and stop. Test support only: the test executable defines
   these allocator entry points and forwards every call to glibc's own (__libc_*), so the counter
   sees the allocations of Swift, libstdc++ and Faiss made through the PLT. */
void m2grl_malloc_counter_start(void);
long m2grl_malloc_counter_stop(void);
/* Debug aid: prints (to stderr) the call stacks of the next n counted allocations. */
void m2grl_malloc_counter_trace(int n);
#endif
