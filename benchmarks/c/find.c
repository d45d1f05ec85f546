/*
 * find.c: the C peer of goheap's itabTable find. It reproduces Go 1.19's itabTableType
 * (src/runtime/iface.go) with Go's amd64 layouts and times, in native code:
 *
 *   find_hit           find of every pair, cycling j = 0, 1, .., N-1, 0, ..
 *   find_hit_one       find of one pair, repeated
 *   find_miss          find of an interface that was never added, with the type cycling (a miss)
 *   insert             itabAdd of N itabs into a fresh table of itabInitSize (512) entries, growth
 *                      included, in ns per itab added
 *   find_hit_1thread   find_hit as a throughput, ops/ns, in the harness of the 2-thread run
 *   find_hit_2threads  find_hit on 2 pthreads at once over the same table (thread 1 starts half way
 *                      through the pairs), aggregate ops/ns, and its ratio to find_hit_1thread
 *
 * How it matches Go 1.19 (amd64):
 *   _type          hash uint32 at +16; 48 bytes.
 *   interfacetype  begins with its _type (so its hash is at +16); 80 bytes.
 *   itab           {inter *interfacetype @0; _type *_type @8; hash uint32 @16; _ [4]byte;
 *                   fun [1]uintptr @24}, 32 bytes, all of them in one arena (Go: persistentalloc).
 *   itabTableType  {size uintptr @0; count uintptr @8; entries [size]*itab @16}.
 *   hash           inter.typ.hash ^ typ.hash (itabHashFunc).
 *   find           mask = size-1; h = hash & mask; for i = 1..: p = entries[h] (atomic.Loadp);
 *                  nil -> miss; p.inter == inter && p._type == typ -> hit; h = (h + i) & mask.
 *                  The table pointer is read with an acquire load, as getitab's atomic.Loadp.
 *   itabAdd        if count >= 3*(size/4): a zeroed table of 2*size, re-add every entry of the old
 *                  one (iterate_itabs), publish it with a release store; then add (a release store
 *                  of the entry, count++). Old tables stay alive until the build is over (Go: the GC).
 * The itab hash field holds typ.hash, as in a compiler-generated itab (getitab's own are 0: unused
 * by find).
 *
 * Workload, from N (distinct (interface, type) pairs): I = N <= 1000 ? 1 : N <= 100000 ? 100 : 1000
 * interfaces, T = ceil(N / I) types; pair j is interface j / T with type j % T (interface-major).
 * Every type (48 bytes) and interface (80 bytes) is its own malloc, with a 32-bit hash from
 * splitmix64 (fixed seed) at +16. Interface I (one past the last) is never added: the misses.
 * benchmarks/go/gen.sh uses the same formula, and so does goheap's IfaceBenchmark (by contract).
 *
 * Timing: CLOCK_MONOTONIC. Each loop is calibrated (doubling the count until a batch takes 50 ms,
 * which also warms it up), then run R times (-r, default 5) for about SECONDS (-t, default 1) each;
 * the median, min and max over the R runs are printed. Results go to a volatile sink; the keys come
 * from arrays indexed by the loop counter (find_hit_one: an empty asm makes the key opaque), and the
 * acquire load of the table pointer cannot be hoisted out of the loop.
 *
 * Build and run:
 *   gcc -O2 -pthread -o find benchmarks/c/find.c
 *   ./find [--json] [-r R] [-t SECONDS] [--ops find_hit,find_hit_one,find_miss,insert,threads] N [N...]
 * One line per measurement, e.g.  find_hit N=557 median=1.71 min=1.69 max=1.80 ns/op
 * --json prints instead one JSON array of {"op", "pairs", "median", "min", "max", "unit", ...}.
 * benchmarks/compare.sh builds and runs it next to goheap's JMH suite and Go 1.19's own benchmarks.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <time.h>

/* ---- Go 1.19 layouts (amd64) ---- */

typedef struct gotype {          /* runtime._type */
    uintptr_t size;              /* +0 */
    uintptr_t ptrdata;           /* +8 */
    uint32_t hash;               /* +16 */
    uint8_t tflag, align, fieldAlign, kind; /* +20 */
    void *equal;                 /* +24 */
    uint8_t *gcdata;             /* +32 */
    int32_t str, ptrToThis;      /* +40 */
} gotype;

typedef struct interfacetype {   /* runtime.interfacetype */
    gotype typ;                  /* +0 */
    void *pkgpath;               /* +48 */
    void *mhdr_ptr;              /* +56: mhdr []imethod */
    intptr_t mhdr_len, mhdr_cap;
} interfacetype;

typedef struct itab {            /* runtime.itab */
    interfacetype *inter;        /* +0 */
    gotype *_type;               /* +8 */
    uint32_t hash;               /* +16 */
    uint8_t _pad[4];             /* +20 */
    uintptr_t fun[1];            /* +24 */
} itab;

typedef struct itabTableType {   /* runtime.itabTableType */
    uintptr_t size;              /* +0: length of entries, a power of 2 */
    uintptr_t count;             /* +8 */
    itab *entries[];             /* +16 */
} itabTableType;

_Static_assert(offsetof(gotype, hash) == 16 && sizeof(gotype) == 48, "_type layout");
_Static_assert(sizeof(interfacetype) == 80, "interfacetype layout");
_Static_assert(offsetof(itab, inter) == 0 && offsetof(itab, _type) == 8 && offsetof(itab, hash) == 16
               && offsetof(itab, fun) == 24 && sizeof(itab) == 32, "itab layout");
_Static_assert(offsetof(itabTableType, count) == 8 && offsetof(itabTableType, entries) == 16, "itabTableType layout");

enum { itabInitSize = 512 };

static itabTableType *itabTable;   /* Go: var itabTable = &itabTableInit */

static inline uintptr_t itabHashFunc(interfacetype *inter, gotype *typ) {
    return (uintptr_t) (inter->typ.hash ^ typ->hash);
}

static inline itab *find(itabTableType *t, interfacetype *inter, gotype *typ) {
    uintptr_t mask = t->size - 1;
    uintptr_t h = itabHashFunc(inter, typ) & mask;
    for (uintptr_t i = 1;; i++) {
        itab *m = __atomic_load_n(&t->entries[h], __ATOMIC_ACQUIRE);   /* atomic.Loadp */
        if (m == NULL) {
            return NULL;
        }
        if (m->inter == inter && m->_type == typ) {
            return m;
        }
        h += i;
        h &= mask;
    }
}

/* getitab's lock-free first step: t := atomic.Loadp(&itabTable); t.find(inter, typ) */
static inline itab *lookup(interfacetype *inter, gotype *typ) {
    return find(__atomic_load_n(&itabTable, __ATOMIC_ACQUIRE), inter, typ);
}

static itabTableType *newTable(uintptr_t size) {   /* mallocgc((2+size)*PtrSize, nil, true) */
    itabTableType *t = calloc(2 + size, sizeof(uintptr_t));
    if (t == NULL) {
        perror("calloc");
        exit(1);
    }
    t->size = size;
    return t;
}

static void tableAdd(itabTableType *t, itab *m) {   /* (*itabTableType).add */
    uintptr_t mask = t->size - 1;
    uintptr_t h = itabHashFunc(m->inter, m->_type) & mask;
    for (uintptr_t i = 1;; i++) {
        itab **p = &t->entries[h];
        itab *m2 = *p;
        if (m2 == m) {
            return;   /* already there: itabsinit may add the same itab twice */
        }
        if (m2 == NULL) {
            __atomic_store_n(p, m, __ATOMIC_RELEASE);   /* atomic.StorepNoWB */
            t->count++;
            return;
        }
        h += i;
        h &= mask;
    }
}

/* tables replaced by growth: Go's GC frees them once no reader can see them; here, after the build */
static itabTableType **retired;
static size_t nretired, capretired;

static void itabAdd(itab *m) {   /* caller holds itabLock (single-threaded here) */
    itabTableType *t = itabTable;
    if (t->count >= 3 * (t->size / 4)) {   /* 75% load factor */
        itabTableType *t2 = newTable(t->size * 2);
        for (uintptr_t i = 0; i < t->size; i++) {   /* iterate_itabs(t2.add) */
            itab *e = t->entries[i];
            if (e != NULL) {
                tableAdd(t2, e);
            }
        }
        if (t2->count != t->count) {
            fprintf(stderr, "mismatched count during itab table copy\n");
            abort();
        }
        __atomic_store_n(&itabTable, t2, __ATOMIC_RELEASE);   /* atomicstorep */
        if (nretired == capretired) {
            capretired = capretired ? 2 * capretired : 64;
            retired = realloc(retired, capretired * sizeof *retired);
        }
        retired[nretired++] = t;
        t = itabTable;
    }
    tableAdd(t, m);
}

static void freeTables(void) {
    for (size_t i = 0; i < nretired; i++) {
        free(retired[i]);
    }
    nretired = 0;
    free(itabTable);
    itabTable = NULL;
}

/* ---- workload ---- */

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct {
    long n, ni, nt;            /* pairs, interfaces, types */
    interfacetype **inters;    /* ni + 1: the last one is never added */
    gotype **types;            /* nt */
    interfacetype **keyInter;  /* n: pair j's interface */
    gotype **keyType;          /* n: pair j's type */
    itab *arena;               /* n itabs, pair order */
} workload;

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (p == NULL) {
        perror("malloc");
        exit(1);
    }
    return p;
}

static void makeWorkload(workload *w, long n) {
    w->n = n;
    w->ni = n <= 1000 ? 1 : (n <= 100000 ? 100 : 1000);
    w->nt = (n + w->ni - 1) / w->ni;
    uint64_t seed = 0x676f68656170ULL;   /* fixed: the same hashes every run */
    w->types = xmalloc(w->nt * sizeof *w->types);
    for (long t = 0; t < w->nt; t++) {
        gotype *g = calloc(1, sizeof(gotype));
        g->size = 8;
        g->hash = (uint32_t) splitmix64(&seed);
        g->kind = 25;   /* kindStruct */
        w->types[t] = g;
    }
    w->inters = xmalloc((w->ni + 1) * sizeof *w->inters);
    for (long k = 0; k <= w->ni; k++) {
        interfacetype *it = calloc(1, sizeof(interfacetype));
        it->typ.size = 16;
        it->typ.hash = (uint32_t) splitmix64(&seed);
        it->typ.kind = 20;   /* kindInterface */
        it->mhdr_len = it->mhdr_cap = 1;
        w->inters[k] = it;
    }
    w->keyInter = xmalloc(n * sizeof *w->keyInter);
    w->keyType = xmalloc(n * sizeof *w->keyType);
    w->arena = aligned_alloc(64, ((size_t) n * sizeof(itab) + 63) & ~(size_t) 63);
    memset(w->arena, 0, (size_t) n * sizeof(itab));
    for (long j = 0; j < n; j++) {
        long k = j / w->nt, t = j % w->nt;
        w->keyInter[j] = w->inters[k];
        w->keyType[j] = w->types[t];
        itab *m = &w->arena[j];
        m->inter = w->inters[k];
        m->_type = w->types[t];
        m->hash = w->types[t]->hash;
        m->fun[0] = 0x401000 + 16 * (uintptr_t) t;   /* non-zero: the type implements the interface */
    }
}

static void buildTable(workload *w) {
    itabTable = newTable(itabInitSize);   /* Go: itabTableInit, static */
    for (long j = 0; j < w->n; j++) {
        itabAdd(&w->arena[j]);
    }
}

static void freeWorkload(workload *w) {
    for (long t = 0; t < w->nt; t++) free(w->types[t]);
    for (long k = 0; k <= w->ni; k++) free(w->inters[k]);
    free(w->types); free(w->inters); free(w->keyInter); free(w->keyType); free(w->arena);
}

/* ---- timing ---- */

static volatile uintptr_t sink;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static __attribute__((noinline)) uintptr_t loopHit(workload *w, long iters, long j) {
    uintptr_t s = 0;
    long n = w->n;
    interfacetype **ki = w->keyInter;
    gotype **kt = w->keyType;
    for (long it = 0; it < iters; it++) {
        s += (uintptr_t) lookup(ki[j], kt[j]);
        if (++j == n) j = 0;
    }
    return s;
}

static __attribute__((noinline)) uintptr_t loopHitOne(workload *w, long iters, long j) {
    uintptr_t s = 0;
    interfacetype *inter = w->keyInter[j];
    gotype *typ = w->keyType[j];
    for (long it = 0; it < iters; it++) {
        __asm__ volatile("" : "+r"(inter), "+r"(typ));   /* the key is opaque to the compiler */
        s += (uintptr_t) lookup(inter, typ);
    }
    return s;
}

static __attribute__((noinline)) uintptr_t loopMiss(workload *w, long iters, long t) {
    uintptr_t s = 0;
    long nt = w->nt;
    interfacetype *miss = w->inters[w->ni];
    gotype **types = w->types;
    for (long it = 0; it < iters; it++) {
        interfacetype *inter = miss;
        __asm__ volatile("" : "+r"(inter));
        s += (uintptr_t) lookup(inter, types[t]) + 1;
        if (++t == nt) t = 0;
    }
    return s;
}

typedef uintptr_t (*loopFn)(workload *, long, long);

static int cmpd(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

typedef struct { double median, min, max; } stats;

static stats summarize(double *v, int r) {
    qsort(v, r, sizeof *v, cmpd);
    stats s = {r % 2 ? v[r / 2] : (v[r / 2 - 1] + v[r / 2]) / 2, v[0], v[r - 1]};
    return s;
}

static int reps = 5;
static double seconds = 1.0;

/* iterations of fn taking about `seconds`; the doubling is the warm-up */
static long calibrate(workload *w, loopFn fn) {
    long iters = 1024;
    for (;;) {
        double t0 = now();
        sink += fn(w, iters, 0);
        double dt = now() - t0;
        if (dt >= 0.05) {
            double per = dt / iters;
            long want = (long) (seconds / per);
            return want < 1 ? 1 : want;
        }
        iters *= 2;
    }
}

static stats timeLoop(workload *w, loopFn fn) {
    long iters = calibrate(w, fn);
    double v[reps];
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        sink += fn(w, iters, 0);
        v[r] = (now() - t0) * 1e9 / iters;
    }
    return summarize(v, reps);
}

static stats timeInsert(workload *w) {
    double v[reps];
    buildTable(w);   /* warm-up */
    freeTables();
    for (int r = -1; r < reps; r++) {   /* r = -1: a second warm-up run to size the builds */
        double total = 0;
        long builds = 0;
        double budget = r < 0 ? 0.1 * seconds : seconds;
        do {
            double t0 = now();
            buildTable(w);
            total += now() - t0;
            builds++;
            sink += itabTable->count;
            freeTables();
        } while (total < budget);
        if (r >= 0) {
            v[r] = total * 1e9 / ((double) builds * w->n);
        }
    }
    return summarize(v, reps);
}

/* ---- 2 threads ---- */

typedef struct {
    workload *w;
    long iters, start;
    pthread_barrier_t *bar;
    double t0, t1;
    uintptr_t sum;
    char pad[64];
} worker;

static void *runWorker(void *arg) {
    worker *k = arg;
    pthread_barrier_wait(k->bar);
    k->t0 = now();
    k->sum = loopHit(k->w, k->iters, k->start);
    k->t1 = now();
    return NULL;
}

/* aggregate ops/ns of nthreads threads each running iters finds, thread i starting at pair i*N/nthreads */
static double throughput(workload *w, int nthreads, long iters) {
    pthread_t th[2];
    worker ks[2];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, nthreads);
    for (int i = 0; i < nthreads; i++) {
        ks[i] = (worker) {.w = w, .iters = iters, .start = (long) i * w->n / nthreads, .bar = &bar};
        if (pthread_create(&th[i], NULL, runWorker, &ks[i]) != 0) {
            perror("pthread_create");
            exit(1);
        }
    }
    double t0 = 1e300, t1 = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        sink += ks[i].sum;
        if (ks[i].t0 < t0) t0 = ks[i].t0;
        if (ks[i].t1 > t1) t1 = ks[i].t1;
    }
    pthread_barrier_destroy(&bar);
    return (double) nthreads * iters / ((t1 - t0) * 1e9);
}

static void timeThreads(workload *w, stats *one, stats *two) {
    long iters = calibrate(w, loopHit);
    double v1[reps], v2[reps];
    throughput(w, 2, iters / 10);   /* warm-up */
    for (int r = 0; r < reps; r++) {   /* alternate, so that both see the same machine */
        v1[r] = throughput(w, 1, iters);
        v2[r] = throughput(w, 2, iters);
    }
    *one = summarize(v1, reps);
    *two = summarize(v2, reps);
}

/* ---- output ---- */

static int json;
static int first = 1;

static void emit(const char *op, long n, stats s, const char *unit, const char *extra) {
    if (json) {
        printf("%s\n  {\"op\": \"%s\", \"pairs\": %ld, \"median\": %.4f, \"min\": %.4f, \"max\": %.4f, \"unit\": \"%s\"%s%s}",
               first ? "[" : ",", op, n, s.median, s.min, s.max, unit, extra[0] ? ", " : "", extra);
    } else {
        printf("%s N=%ld median=%.4g min=%.4g max=%.4g %s%s%s\n", op, n, s.median, s.min, s.max, unit,
               extra[0] ? " " : "", extra);
    }
    first = 0;
    fflush(stdout);
}

static int wants(const char *ops, const char *op) {
    if (ops == NULL) return 1;
    size_t l = strlen(op);
    for (const char *p = ops; (p = strstr(p, op)) != NULL; p += l) {
        if ((p == ops || p[-1] == ',') && (p[l] == '\0' || p[l] == ',')) return 1;
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: find [--json] [-r R] [-t SECONDS] [--ops find_hit,find_hit_one,find_miss,insert,threads] N [N...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *ops = NULL;
    long ns[64];
    int nn = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--json") == 0) json = 1;
        else if (strcmp(argv[a], "-r") == 0 && a + 1 < argc) reps = atoi(argv[++a]);
        else if (strcmp(argv[a], "-t") == 0 && a + 1 < argc) seconds = atof(argv[++a]);
        else if (strcmp(argv[a], "--ops") == 0 && a + 1 < argc) ops = argv[++a];
        else if (argv[a][0] >= '1' && argv[a][0] <= '9' && nn < 64) ns[nn++] = atol(argv[a]);
        else usage();
    }
    if (nn == 0 || reps < 1 || seconds <= 0) usage();
    /* keep freed tables in the process (as Go's heap does), instead of an munmap and fresh page
       faults for every table of every build */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    for (int x = 0; x < nn; x++) {
        workload w;
        makeWorkload(&w, ns[x]);
        char extra[256];
        if (wants(ops, "find_hit") || wants(ops, "find_hit_one") || wants(ops, "find_miss") || wants(ops, "threads")) {
            buildTable(&w);
            for (long j = 0; j < w.n; j++) {
                if (lookup(w.keyInter[j], w.keyType[j]) != &w.arena[j]) {
                    fprintf(stderr, "find: pair %ld not found\n", j);
                    return 1;
                }
            }
            for (long t = 0; t < w.nt; t++) {
                if (lookup(w.inters[w.ni], w.types[t]) != NULL) {
                    fprintf(stderr, "find: a miss was found\n");
                    return 1;
                }
            }
            snprintf(extra, sizeof extra, json ? "\"interfaces\": %ld, \"types\": %ld, \"table_size\": %lu, \"count\": %lu"
                                               : "interfaces=%ld types=%ld table_size=%lu count=%lu",
                     w.ni, w.nt, (unsigned long) itabTable->size, (unsigned long) itabTable->count);
            if (wants(ops, "find_hit")) emit("find_hit", w.n, timeLoop(&w, loopHit), "ns/op", extra);
            if (wants(ops, "find_hit_one")) emit("find_hit_one", w.n, timeLoop(&w, loopHitOne), "ns/op", "");
            if (wants(ops, "find_miss")) emit("find_miss", w.n, timeLoop(&w, loopMiss), "ns/op", "");
            if (wants(ops, "threads")) {
                stats one, two;
                timeThreads(&w, &one, &two);
                emit("find_hit_1thread", w.n, one, "ops/ns", "");
                snprintf(extra, sizeof extra, json ? "\"ratio_to_1thread\": %.4f" : "ratio_to_1thread=%.3f",
                         two.median / one.median);
                emit("find_hit_2threads", w.n, two, "ops/ns", extra);
            }
            freeTables();
        }
        if (wants(ops, "insert")) emit("insert", w.n, timeInsert(&w), "ns/op", "");
        freeWorkload(&w);
    }
    if (json) printf("%s]\n", first ? "[" : "\n");
    return sink == 42 ? 3 : 0;   /* read the sink */
}
