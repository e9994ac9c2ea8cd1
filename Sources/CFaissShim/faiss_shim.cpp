// faiss_shim.cpp — the C API of faiss_shim.h over Debian's static libfaiss.
// Every entry point catches every exception; messages are kept per thread.
#include "faiss_shim.h"

#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/MetaIndexes.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/utils/distances.h>

#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <unordered_set>

// OpenBLAS' own thread pool (Debian's pthread variant ignores OpenMP settings).
extern "C" void openblas_set_num_threads(int);
extern "C" int openblas_get_num_threads(void);

extern "C" {
void omp_set_num_threads(int);
int omp_get_max_threads(void);
}

struct m2g_index {
    faiss::IndexIDMap2 *map; // owns the inner index
};

namespace {

thread_local std::string last_error;

int fail(int code, const std::string &msg) {
    last_error = msg;
    return code;
}

template <class F> int guarded(F &&f) {
    try {
        last_error.clear();
        return f();
    } catch (const faiss::FaissException &e) {
        return fail(M2G_EFAISS, e.msg.empty() ? e.what() : e.msg);
    } catch (const std::bad_alloc &) {
        return fail(M2G_ENOMEM, "out of memory");
    } catch (const std::exception &e) {
        return fail(M2G_EFAISS, e.what());
    } catch (...) {
        return fail(M2G_EFAISS, "unknown C++ exception");
    }
}

faiss::Index *inner(const m2g_index *ix) { return ix->map->index; }

faiss::IndexHNSW *as_hnsw(const m2g_index *ix) { return dynamic_cast<faiss::IndexHNSW *>(inner(ix)); }

faiss::IndexIVF *as_ivf(const m2g_index *ix) {
    try {
        return faiss::ivflib::try_extract_index_ivf(inner(ix));
    } catch (...) {
        return nullptr;
    }
}

/// Checks structural invariants Faiss does not check on read, so a damaged
/// file fails at load time instead of crashing a later search.
int validate(const faiss::IndexIDMap2 *map) {
    const faiss::Index *ix = map->index;
    if (!ix) return fail(M2G_EFORMAT, "index file has no inner index");
    if (ix->metric_type != faiss::METRIC_INNER_PRODUCT)
        return fail(M2G_EFORMAT, "index metric is not inner product");
    if ((int64_t)map->id_map.size() != ix->ntotal || map->ntotal != ix->ntotal)
        return fail(M2G_EFORMAT, "id map size " + std::to_string(map->id_map.size()) + " does not match " +
                                     std::to_string(ix->ntotal) + " stored vectors");
    if ((int64_t)map->rev_map.size() != ix->ntotal) return fail(M2G_EFORMAT, "duplicate ids in id map");
    if (auto *h = dynamic_cast<const faiss::IndexHNSW *>(ix)) {
        const auto &hn = h->hnsw;
        if (!h->storage || h->storage->ntotal != ix->ntotal) return fail(M2G_EFORMAT, "HNSW storage size mismatch");
        for (auto nb : hn.neighbors)
            if (nb < -1 || nb >= ix->ntotal) return fail(M2G_EFORMAT, "HNSW neighbour id out of range");
        if (ix->ntotal > 0 && (hn.entry_point < 0 || hn.entry_point >= ix->ntotal))
            return fail(M2G_EFORMAT, "HNSW entry point out of range");
        if ((int64_t)hn.levels.size() != ix->ntotal) return fail(M2G_EFORMAT, "HNSW level table size mismatch");
    }
    if (auto *ivf = faiss::ivflib::try_extract_index_ivf(ix)) {
        size_t total = 0;
        for (size_t l = 0; l < ivf->nlist; l++) {
            size_t n = ivf->invlists->list_size(l);
            total += n;
            faiss::InvertedLists::ScopedIds ids(ivf->invlists, l);
            for (size_t j = 0; j < n; j++)
                if (ids[j] < 0 || ids[j] >= ix->ntotal) return fail(M2G_EFORMAT, "IVF list id out of range");
        }
        if ((int64_t)total != ix->ntotal) return fail(M2G_EFORMAT, "IVF lists hold a different number of vectors");
    }
    return M2G_OK;
}

/// IVF reconstruction by scanning the inverted lists for an internal id.
/// (Faiss' hashtable direct map proved unreliable under concurrent use in
/// Debian's 1.7.3 build; O(n) by-id lookups are acceptable here because the
/// serving layer keeps its own vectors for queries by id.)
bool ivf_reconstruct(const faiss::IndexIVF *ivf, int64_t internal, float *out) {
    for (size_t l = 0; l < ivf->nlist; l++) {
        size_t n = ivf->invlists->list_size(l);
        if (n == 0) continue;
        faiss::InvertedLists::ScopedIds ids(ivf->invlists, l);
        for (size_t j = 0; j < n; j++)
            if (ids[j] == internal) {
                ivf->reconstruct_from_offset((int64_t)l, (int64_t)j, out);
                return true;
            }
    }
    return false;
}

struct BufferReader : faiss::IOReader {
    const uint8_t *data;
    size_t size, pos = 0;
    BufferReader(const uint8_t *d, size_t s) : data(d), size(s) { name = "buffer"; }
    size_t operator()(void *ptr, size_t sz, size_t nitems) override {
        if (sz == 0 || nitems == 0) return 0;
        size_t avail = (size - pos) / sz;
        size_t n = nitems < avail ? nitems : avail;
        std::memcpy(ptr, data + pos, n * sz);
        pos += n * sz;
        return n;
    }
};

int wrap_loaded(faiss::Index *loaded, m2g_index **out) {
    auto *map = dynamic_cast<faiss::IndexIDMap2 *>(loaded);
    if (!map) {
        delete loaded;
        return fail(M2G_EFORMAT, "file holds a Faiss index without an IDMap2 wrapper");
    }
    map->own_fields = true;
    int rc = validate(map);
    if (rc != M2G_OK) {
        delete map;
        return rc;
    }
    *out = new m2g_index{map};
    return M2G_OK;
}

} // namespace

extern "C" {

const char *m2g_last_error(void) { return last_error.c_str(); }

int m2g_index_create(const char *factory, int32_t dimension, m2g_index **out) {
    return guarded([&]() -> int {
        if (!factory || !out) return fail(M2G_EINVAL, "null argument");
        if (dimension <= 0) return fail(M2G_EINVAL, "dimension must be positive, got " + std::to_string(dimension));
        std::string spec(factory);
        if (spec.rfind("IDMap2,", 0) == 0) spec = spec.substr(7);
        if (spec.rfind("IDMap", 0) == 0) return fail(M2G_EINVAL, "give the factory string without IDMap: ids are always mapped");
        faiss::Index *base = faiss::index_factory(dimension, spec.c_str(), faiss::METRIC_INNER_PRODUCT);
        auto *map = new faiss::IndexIDMap2(base);
        map->own_fields = true;
        *out = new m2g_index{map};
        return M2G_OK;
    });
}

void m2g_index_free(m2g_index *index) {
    if (!index) return;
    try {
        delete index->map;
    } catch (...) {
    }
    delete index;
}

int32_t m2g_index_dimension(const m2g_index *index) { return index ? index->map->d : 0; }
int64_t m2g_index_ntotal(const m2g_index *index) { return index ? index->map->ntotal : 0; }
int32_t m2g_index_is_trained(const m2g_index *index) { return index && index->map->is_trained ? 1 : 0; }

int32_t m2g_index_kind(const m2g_index *index) {
    if (!index) return M2G_KIND_OTHER;
    if (dynamic_cast<faiss::IndexFlat *>(inner(index))) return M2G_KIND_FLAT;
    if (as_hnsw(index)) return M2G_KIND_HNSW;
    if (as_ivf(index)) return M2G_KIND_IVF;
    return M2G_KIND_OTHER;
}

int m2g_index_set_param(m2g_index *index, const char *name, int32_t value) {
    return guarded([&]() -> int {
        if (!index || !name) return fail(M2G_EINVAL, "null argument");
        if (value <= 0) return fail(M2G_EINVAL, std::string(name) + " must be positive");
        std::string n(name);
        if (auto *h = as_hnsw(index)) {
            if (n == "efSearch") { h->hnsw.efSearch = value; return M2G_OK; }
            if (n == "efConstruction") { h->hnsw.efConstruction = value; return M2G_OK; }
        }
        if (auto *ivf = as_ivf(index)) {
            if (n == "nprobe") { ivf->nprobe = value > (int32_t)ivf->nlist ? ivf->nlist : value; return M2G_OK; }
        }
        return fail(M2G_EUNSUPPORTED, "index has no parameter '" + n + "'");
    });
}

int m2g_index_get_param(const m2g_index *index, const char *name, int32_t *value) {
    return guarded([&]() -> int {
        if (!index || !name || !value) return fail(M2G_EINVAL, "null argument");
        std::string n(name);
        if (auto *h = as_hnsw(index)) {
            if (n == "efSearch") { *value = h->hnsw.efSearch; return M2G_OK; }
            if (n == "efConstruction") { *value = h->hnsw.efConstruction; return M2G_OK; }
        }
        if (auto *ivf = as_ivf(index)) {
            if (n == "nprobe") { *value = (int32_t)ivf->nprobe; return M2G_OK; }
            if (n == "nlist") { *value = (int32_t)ivf->nlist; return M2G_OK; }
        }
        return fail(M2G_EUNSUPPORTED, "index has no parameter '" + n + "'");
    });
}

int m2g_index_train(m2g_index *index, int64_t n, const float *x) {
    return guarded([&]() -> int {
        if (!index || (!x && n > 0) || n < 0) return fail(M2G_EINVAL, "bad arguments to train");
        index->map->train(n, x);
        return M2G_OK;
    });
}

int m2g_index_add_with_ids(m2g_index *index, int64_t n, const float *x, const int64_t *ids) {
    return guarded([&]() -> int {
        if (!index || n < 0 || (n > 0 && (!x || !ids))) return fail(M2G_EINVAL, "bad arguments to add");
        if (!index->map->is_trained) return fail(M2G_ENOTTRAINED, "index must be trained before adding vectors");
        std::unordered_set<int64_t> batch;
        batch.reserve((size_t)n);
        for (int64_t i = 0; i < n; i++) {
            if (index->map->rev_map.count(ids[i]) || !batch.insert(ids[i]).second)
                return fail(M2G_EDUPLICATE, "id " + std::to_string(ids[i]) + " is already present");
        }
        index->map->add_with_ids(n, x, ids);
        return M2G_OK;
    });
}

int m2g_index_search(const m2g_index *index, int64_t n, const float *x, int64_t k, const m2g_search_params *params,
                     float *distances, int64_t *labels) {
    return guarded([&]() -> int {
        if (!index || n < 0 || (n > 0 && (!x || !distances || !labels))) return fail(M2G_EINVAL, "bad arguments to search");
        if (k <= 0) return fail(M2G_EINVAL, "k must be positive, got " + std::to_string(k));
        if (!index->map->is_trained) return fail(M2G_ENOTTRAINED, "index is not trained");
        if (n == 0) return M2G_OK;
        const faiss::Index *base = inner(index);
        faiss::SearchParametersHNSW hp;
        faiss::SearchParametersIVF ip;
        const faiss::SearchParameters *sp = nullptr;
        if (params) {
            if (params->ef_search > 0 && as_hnsw(index)) {
                hp.efSearch = params->ef_search;
                sp = &hp;
            } else if (params->nprobe > 0) {
                if (auto *ivf = as_ivf(index)) {
                    ip.nprobe = params->nprobe > (int32_t)ivf->nlist ? ivf->nlist : params->nprobe;
                    ip.max_codes = 0;
                    sp = &ip;
                }
            }
        }
        if (sp) {
            base->search(n, x, k, distances, labels, sp);
        } else {
            base->search(n, x, k, distances, labels);
        }
        const auto &idmap = index->map->id_map;
        for (int64_t i = 0; i < n * k; i++)
            if (labels[i] >= 0) labels[i] = idmap[labels[i]];
        return M2G_OK;
    });
}

int32_t m2g_index_contains(const m2g_index *index, int64_t id) {
    return index && index->map->rev_map.count(id) ? 1 : 0;
}

int m2g_index_reconstruct(const m2g_index *index, int64_t id, float *out) {
    return guarded([&]() -> int {
        if (!index || !out) return fail(M2G_EINVAL, "null argument");
        auto it = index->map->rev_map.find(id);
        if (it == index->map->rev_map.end()) return fail(M2G_ENOTFOUND, "id " + std::to_string(id) + " is not in the index");
        if (auto *ivf = as_ivf(index)) {
            if (!ivf_reconstruct(ivf, it->second, out)) return fail(M2G_ENOTFOUND, "id " + std::to_string(id) + " is not in the inverted lists");
            return M2G_OK;
        }
        inner(index)->reconstruct(it->second, out);
        return M2G_OK;
    });
}

int m2g_index_ids(const m2g_index *index, int64_t *out) {
    return guarded([&]() -> int {
        if (!index || (!out && index->map->ntotal > 0)) return fail(M2G_EINVAL, "null argument");
        const auto &m = index->map->id_map;
        std::copy(m.begin(), m.end(), out);
        return M2G_OK;
    });
}

int m2g_index_remove_ids(m2g_index *index, int64_t n, const int64_t *ids, int64_t *removed) {
    return guarded([&]() -> int {
        if (!index || n < 0 || (n > 0 && !ids)) return fail(M2G_EINVAL, "bad arguments to remove");
        // IndexIDMap2 compacts its id map after removal, which is only right for
        // indexes that renumber their vectors on removal (the flat ones).
        if (!dynamic_cast<faiss::IndexFlat *>(inner(index)))
            return fail(M2G_EUNSUPPORTED, "only Flat indexes support removal; rebuild HNSW and IVF indexes instead");
        faiss::IDSelectorArray sel((size_t)n, ids);
        size_t r = index->map->remove_ids(sel);
        if (removed) *removed = (int64_t)r;
        return M2G_OK;
    });
}

int m2g_index_write(const m2g_index *index, const char *path) {
    return guarded([&]() -> int {
        if (!index || !path) return fail(M2G_EINVAL, "null argument");
        FILE *f = std::fopen(path, "wb");
        if (!f) return fail(M2G_EIO, std::string("cannot open ") + path + " for writing: " + std::strerror(errno));
        try {
            faiss::write_index(index->map, f);
        } catch (...) {
            std::fclose(f);
            throw;
        }
        if (std::fflush(f) != 0 || std::fclose(f) != 0)
            return fail(M2G_EIO, std::string("cannot write ") + path + ": " + std::strerror(errno));
        return M2G_OK;
    });
}

int m2g_index_read_buffer(const uint8_t *data, size_t size, m2g_index **out) {
    return guarded([&]() -> int {
        if (!data || !out) return fail(M2G_EINVAL, "null argument");
        BufferReader reader(data, size);
        faiss::Index *loaded = nullptr;
        try {
            loaded = faiss::read_index(&reader);
        } catch (const faiss::FaissException &e) {
            return fail(M2G_EFORMAT, "not a valid index file (" + e.msg + ")");
        }
        return wrap_loaded(loaded, out);
    });
}

void m2g_set_omp_threads(int32_t n) { omp_set_num_threads(n > 0 ? n : 1); }
int32_t m2g_get_omp_threads(void) { return omp_get_max_threads(); }

void m2g_set_blas_threshold(int32_t n) { faiss::distance_compute_blas_threshold = n > 0 ? n : 1; }
int32_t m2g_get_blas_threshold(void) { return faiss::distance_compute_blas_threshold; }

void m2g_set_blas_threads(int32_t n) { openblas_set_num_threads(n > 0 ? n : 1); }
int32_t m2g_get_blas_threads(void) { return openblas_get_num_threads(); }

} // extern "C"
