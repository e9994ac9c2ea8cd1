/*
 * faiss_shim.h — a small C API over Debian's static libfaiss (1.7.3), whose
 * own C API symbols are not shipped. Every index created here is an
 * inner-product index wrapped in an IndexIDMap2, so vectors carry 64-bit
 * external ids and can be reconstructed by id.
 *
 * Conventions
 *  - Every function returning int returns M2G_OK (0) on success or a negative
 *    M2G_E* code; the message is kept per thread and read with m2g_last_error().
 *  - No C++ exception ever crosses this boundary.
 *  - Concurrent const calls (search, reconstruct, ntotal) on one index are safe;
 *    mutating calls (train, add, remove, set_*) need exclusive access.
 */
#ifndef M2GRL_FAISS_SHIM_H
#define M2GRL_FAISS_SHIM_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    M2G_OK = 0,
    M2G_EINVAL = -1,      /* bad argument (dimension, k, null pointer, ...) */
    M2G_EFAISS = -2,      /* Faiss threw; see m2g_last_error() */
    M2G_ENOMEM = -3,      /* allocation failed */
    M2G_EIO = -4,         /* file could not be read or written */
    M2G_EFORMAT = -5,     /* file is not a valid index of ours */
    M2G_ENOTTRAINED = -6, /* index needs training before add/search */
    M2G_EDUPLICATE = -7,  /* id already present */
    M2G_ENOTFOUND = -8,   /* id not present */
    M2G_EUNSUPPORTED = -9 /* operation not supported by this index type */
};

/** Opaque handle: an IndexIDMap2 over an inner-product index. */
typedef struct m2g_index m2g_index;

/** Per-call search parameters; 0 means "use the index's own setting". */
typedef struct m2g_search_params {
    int32_t ef_search; /* HNSW */
    int32_t nprobe;    /* IVF  */
} m2g_search_params;

/** Kind of the underlying index, for callers that tune parameters. */
enum { M2G_KIND_FLAT = 0, M2G_KIND_HNSW = 1, M2G_KIND_IVF = 2, M2G_KIND_OTHER = 3 };

/** The message of the last failed call on this thread ("" if none). */
const char *m2g_last_error(void);

/** Create an inner-product index from a Faiss factory string ("Flat", "HNSW32", "IVF1024,Flat", "IVF256,PQ16", ...). */
int m2g_index_create(const char *factory, int32_t dimension, m2g_index **out);
/** Free an index (NULL is fine). */
void m2g_index_free(m2g_index *index);

int32_t m2g_index_dimension(const m2g_index *index);
int64_t m2g_index_ntotal(const m2g_index *index);
int32_t m2g_index_is_trained(const m2g_index *index);
int32_t m2g_index_kind(const m2g_index *index);

/** Set a build or default-search parameter: "efConstruction", "efSearch" (HNSW), "nprobe" (IVF). */
int m2g_index_set_param(m2g_index *index, const char *name, int32_t value);
/** Read a parameter back (same names); M2G_EUNSUPPORTED if the index has no such parameter. */
int m2g_index_get_param(const m2g_index *index, const char *name, int32_t *value);

int m2g_index_train(m2g_index *index, int64_t n, const float *x);
/** Add n vectors with their ids; refuses (M2G_EDUPLICATE) an id already present or repeated in the batch. */
int m2g_index_add_with_ids(m2g_index *index, int64_t n, const float *x, const int64_t *ids);

/**
 * Batched k-NN by inner product. distances and labels hold n*k entries; missing
 * results have label -1. params may be NULL.
 */
int m2g_index_search(const m2g_index *index, int64_t n, const float *x, int64_t k,
                     const m2g_search_params *params, float *distances, int64_t *labels);

/** Copy the stored vector of external id `id` into out[dimension]. */
int m2g_index_reconstruct(const m2g_index *index, int64_t id, float *out);
/** 1 if the id is present, 0 otherwise. */
int32_t m2g_index_contains(const m2g_index *index, int64_t id);
/** Copy all external ids (ntotal of them) into out, in storage order. */
int m2g_index_ids(const m2g_index *index, int64_t *out);

/** Remove ids; *removed receives how many were present. */
int m2g_index_remove_ids(m2g_index *index, int64_t n, const int64_t *ids, int64_t *removed);

/** Write in Faiss' own file format (readable by faiss.read_index). */
int m2g_index_write(const m2g_index *index, const char *path);
/** Read from a memory buffer holding a file's bytes. */
int m2g_index_read_buffer(const uint8_t *data, size_t size, m2g_index **out);

/** OpenMP threads for Faiss calls made from the calling thread. */
void m2g_set_omp_threads(int32_t n);
int32_t m2g_get_omp_threads(void);
/// Query count from which flat searches use BLAS (faiss::distance_compute_blas_threshold, process-wide).
void m2g_set_blas_threshold(int32_t n);
int32_t m2g_get_blas_threshold(void);
/// Threads of OpenBLAS' own pool (process-wide) used by large BLAS searches.
void m2g_set_blas_threads(int32_t n);
int32_t m2g_get_blas_threads(void);

#ifdef __cplusplus
}
#endif
#endif
