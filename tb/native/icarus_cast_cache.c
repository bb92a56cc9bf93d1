/*
 * A memo in front of the C++ ABI's __dynamic_cast, preloaded into Icarus's vvp
 * (tb/icarus_cast_cache.py; README "System random regression speed").
 *
 * Why: vvp's %load/vec4 (every procedural read of a signal) and several VPI calls
 * cross-cast the net's filter to vvp_signal_value with dynamic_cast. libstdc++
 * answers a cross-cast by walking the class hierarchy and comparing type names with
 * strcmp: about 500 instructions a cast, 18.6% of all the instructions of the
 * standard system random test (callgrind, issue 13).
 *
 * Why a memo is exact: the answer depends only on the source subobject's dynamic
 * type and its place in the complete object, and in the Itanium C++ ABI both are
 * named by the subobject's vtable pointer (a construction vtable during
 * construction, a different pointer). So (vtable pointer, source type, target type,
 * hint) -> (target offset or "no target") never changes; a hit returns what the
 * walk would have returned. A miss calls the real __dynamic_cast and keeps the
 * answer in a direct-mapped table, one per thread.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef void *(*dynamic_cast_fn)(const void *, const void *, const void *, ptrdiff_t);

#define CAST_CACHE_SLOTS 4096u          /* a power of two; vvp uses a few dozen pairs */

struct cast_slot {
    const void *vtable, *src_type, *dst_type;
    ptrdiff_t hint;
    ptrdiff_t offset;                   /* target - source, when found */
    int found;
};

/* initial-exec: a preloaded library has static TLS, so no __tls_get_addr call a cast */
static __thread struct cast_slot cast_cache[CAST_CACHE_SLOTS]
    __attribute__((tls_model("initial-exec")));
static dynamic_cast_fn real_dynamic_cast;

/* counted so that a test can see the memo is in the process and answering */
unsigned long icarus_cast_cache_hits, icarus_cast_cache_misses;

void *__dynamic_cast(const void *obj, const void *src_type, const void *dst_type,
                     ptrdiff_t src2dst)
{
    if (real_dynamic_cast == NULL) {
        real_dynamic_cast = (dynamic_cast_fn)dlsym(RTLD_NEXT, "__dynamic_cast");
        if (real_dynamic_cast == NULL) {
            fprintf(stderr, "icarus_cast_cache: no __dynamic_cast after this library "
                    "(%s); run without ICARUS_CAST_CACHE\n", dlerror());
            abort();
        }
    }
    if (obj == NULL)
        return NULL;
    const void *vtable = *(const void *const *)obj;
    uintptr_t h = ((uintptr_t)vtable >> 3) ^ ((uintptr_t)dst_type * 0x9E3779B1u);
    struct cast_slot *s = &cast_cache[(h ^ (h >> 15)) & (CAST_CACHE_SLOTS - 1)];
    if (s->vtable == vtable && s->src_type == src_type && s->dst_type == dst_type
        && s->hint == src2dst) {
        icarus_cast_cache_hits++;
        return s->found ? (char *)obj + s->offset : NULL;
    }
    icarus_cast_cache_misses++;
    void *r = real_dynamic_cast(obj, src_type, dst_type, src2dst);
    s->vtable = vtable;
    s->src_type = src_type;
    s->dst_type = dst_type;
    s->hint = src2dst;
    s->found = r != NULL;
    s->offset = r ? (const char *)r - (const char *)obj : 0;
    return r;
}
