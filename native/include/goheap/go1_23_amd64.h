/*
 * go1_23_amd64.h - the Go 1.23 linux/amd64 runtime structs, under the struct names of go1_19_amd64.h.
 *
 * Written by hand from Go 1.23.5's own source (Debian golang-1.23-src: src/internal/abi/type.go, iface.go;
 * src/runtime/runtime2.go, proc.go, symtab.go, malloc.go, iface.go, mgcwork.go, mwbbuf.go, time.go,
 * traceruntime.go, tracestatus.go), not from DWARF: the layoutcheck program of native/structs.manifest prints gcc's sizeof/offsetof,
 * and ReleaseLayoutCheckTest compares them with gdb's ptype/o of a Go 1.23 binary
 * (native/fixtures/ptype-o-1.23.txt). Its jextract output (layouts go123) is what abi.Abi reads this release with.
 *
 * Since 1.22 (go1_22_amd64.h):
 *  - runtime.itab is `type itab = abi.ITab` (runtime2.go; internal/abi/iface.go): exported names Inter, Type,
 *    Hash, Fun, and no `_ [4]byte`: a 4-byte hole instead, still 32 bytes with one method.
 *  - abi.Type.Kind_ is typed abi.Kind, now `type Kind uint8` (internal/abi/type.go); same byte.
 *  - runtime.sysmontick (proc.go) puts schedtick and syscalltick next to each other: 24 bytes (1.22: 32), so p
 *    from m on moves by -8.
 *  - p (runtime2.go): timer0When and timerModifiedEarliest (after palloc) and timersLock, timers, numTimers,
 *    deletedTimers, timerRaceCtx (after statsSeq) are gone into one `timers timers` (time.go, 64 bytes: mu, heap
 *    []timerWhen, len, zombies, raceCtx, minWhenHeap, minWhenModified); gcStopTime is new at the end; the
 *    pagetrace experiment and p.pageTraceBuf (zero-size without it) are gone. palloc 4624, sizeof(p) 8944.
 *  - runtime.moduledata (symtab.go): bad moves from after typemap to just after hasmain: 584 bytes (1.22: 592).
 *  - pTraceState is unchanged; its files are renamed traceruntime.go and tracestatus.go.
 * abi.MapType, _func and pcHeader are unchanged.
 *
 * Field names are the release's Go names (internal/abi's exported ones: Size_, PtrBytes, ...). Go's blank
 * fields `_` are named `_N` (N = their offset). The zero-size markers (sys.NotInHeap, lockRankStruct) have
 * no C member.
 */
#ifndef GOHEAP_GO1_23_AMD64_H
#define GOHEAP_GO1_23_AMD64_H

#include <stdint.h>

/* abi.Type.Kind_: kinds 1..26 as in 1.19; bit 5 DirectIface, bit 6 GCProg. */
#define GO_KIND_DIRECT_IFACE    32
#define GO_KIND_GC_PROG         64
#define GO_KIND_MASK            31
/* abi.PCLnTabMagic of Go 1.20+. */
#define GO_PCHEADER_MAGIC_1_20  0xfffffff1u
/* abi.TFlag: 1 Uncommon, 2 ExtraStar, 4 Named, 8 RegularMemory, 0x10 UnrolledBitmap (1.22: runtime-made types
   only, unrolled from a GC program). */
#define GO_TFLAG_UNROLLED_BITMAP 16
/* abi.MapType.Flags: 1 IndirectKey, 2 IndirectElem, 4 ReflexiveKey, 8 NeedKeyUpdate, 16 HashMightPanic. */

/* runtime.slice. 24 bytes. */
struct slice {
    void      *array;
    int64_t    len;
    int64_t    cap;
};

/* runtime.stringStruct. 16 bytes. */
struct string {
    uint8_t   *str;
    int64_t    len;
};

/* internal/abi.Type (1.19 runtime._type). 48 bytes. */
struct _type {
    uintptr_t  Size_;
    uintptr_t  PtrBytes;
    uint32_t   Hash;
    uint8_t    TFlag;
    uint8_t    Align_;
    uint8_t    FieldAlign_;
    uint8_t    Kind_;        /* abi.Kind, 1.23: uint8 (1.22: the field was a uint8, Kind a uint) */
    void      *Equal;        /* func(unsafe.Pointer, unsafe.Pointer) bool */
    uint8_t   *GCData;
    int32_t    Str;          /* NameOff */
    int32_t    PtrToThis;    /* TypeOff */
};

/* internal/abi.UncommonType. 16 bytes. */
struct uncommontype {
    int32_t    PkgPath;
    uint16_t   Mcount;
    uint16_t   Xcount;
    uint32_t   Moff;
    uint32_t   _12;
};

/* internal/abi.Method. 16 bytes. */
struct method {
    int32_t    Name;
    int32_t    Mtyp;
    int32_t    Ifn;
    int32_t    Tfn;
};

/* internal/abi.Imethod. 8 bytes. */
struct imethod {
    int32_t    Name;
    int32_t    Typ;
};

/* internal/abi.Name. 8 bytes. */
struct name {
    uint8_t   *Bytes;
};

/* internal/abi.InterfaceType. 80 bytes. */
struct interfacetype {
    struct _type Type;
    struct name  PkgPath;
    struct slice Methods;     /* []Imethod */
};

/* internal/abi.PtrType. 56 bytes. */
struct ptrtype {
    struct _type  Type;
    struct _type *Elem;
};

/* internal/abi.SliceType. 56 bytes. */
struct slicetype {
    struct _type  Type;
    struct _type *Elem;
};

/* internal/abi.ArrayType. 72 bytes. */
struct arraytype {
    struct _type  Type;
    struct _type *Elem;
    struct _type *Slice;
    uintptr_t     Len;
};

/* internal/abi.ChanType. 64 bytes. */
struct chantype {
    struct _type  Type;
    struct _type *Elem;
    int64_t       Dir;        /* ChanDir int */
};

/* internal/abi.FuncType. 56 bytes. */
struct functype {
    struct _type  Type;
    uint16_t      InCount;
    uint16_t      OutCount;   /* bit 15: variadic */
};

/* internal/abi.MapType. 88 bytes. */
struct maptype {
    struct _type  Type;
    struct _type *Key;
    struct _type *Elem;
    struct _type *Bucket;
    void         *Hasher;     /* func(unsafe.Pointer, uintptr) uintptr */
    uint8_t       KeySize;
    uint8_t       ValueSize;
    uint16_t      BucketSize;
    uint32_t      Flags;
};

/* internal/abi.StructField. 24 bytes. */
struct structfield {
    struct name   Name;
    struct _type *Typ;
    uintptr_t     Offset;
};

/* internal/abi.StructType. 80 bytes. */
struct structtype {
    struct _type  Type;
    struct name   PkgPath;
    struct slice  Fields;     /* []StructField */
};

/* internal/abi.ITab (1.23; runtime.itab before). 32 bytes with one method; 1.23: no `_ [4]byte`, a hole. */
struct itab {
    struct interfacetype *Inter;
    struct _type         *Type;
    uint32_t              Hash;
    uintptr_t             Fun[1];
};

/* runtime.iface. 16 bytes. */
struct iface {
    struct itab *tab;
    void        *data;
};

/* runtime.eface. 16 bytes. */
struct eface {
    struct _type *_type;
    void         *data;
};

/* runtime.itabTableType. 4112 bytes. */
struct itabTableType {
    uintptr_t    size;
    uintptr_t    count;
    struct itab *entries[512];
};

/* runtime.persistentAlloc. 16 bytes. */
struct persistentAlloc {
    void      *base;
    uintptr_t  off;
};

/* runtime.mutex: lockRankStruct (empty) + key. 8 bytes. */
struct mutex {
    uintptr_t  key;
};

/* runtime.globalAlloc: `struct { mutex; persistentAlloc }`. 24 bytes. */
struct globalAlloc {
    struct mutex           mutex;
    struct persistentAlloc persistentAlloc;
};

/* runtime.sysmontick. 1.23: schedtick and syscalltick are next to each other; 24 bytes (1.22: 32). */
struct sysmontick {
    uint32_t   schedtick;
    uint32_t   syscalltick;
    int64_t    schedwhen;
    int64_t    syscallwhen;
};

/* runtime.pageCache. 24 bytes. */
struct pageCache {
    uintptr_t  base;
    uint64_t   cache;
    uint64_t   scav;
};

/* p.gFree: `struct { gList; n int32 }`. 16 bytes. */
struct pGFree {
    uintptr_t  gList;
    int32_t    n;
};

/* p.mspancache: `struct { len int; buf [128]*mspan }`. 1032 bytes. */
struct pMspancache {
    int64_t    len;
    void      *buf[128];
};

/* runtime.pTraceState (traceruntime.go; 1.22's trace2runtime.go): traceSchedResourceState (tracestatus.go)
   {statusTraced [3]atomic.Uint32, seq [2]uint64}, then mSyscallID, maySweep, inSweep, swept, reclaimed.
   64 bytes. */
struct pTraceState {
    uint32_t   statusTraced[3];
    uint64_t   seq[2];
    int64_t    mSyscallID;
    uint8_t    maySweep;
    uint8_t    inSweep;
    uintptr_t  swept;
    uintptr_t  reclaimed;
};

/* runtime.timers (1.23, time.go). 64 bytes. */
struct pTimers {
    struct mutex  mu;
    struct slice  heap;             /* []timerWhen */
    uint32_t      len;              /* atomic.Uint32 */
    int32_t       zombies;          /* atomic.Int32 */
    uintptr_t     raceCtx;
    int64_t       minWhenHeap;      /* atomic.Int64 */
    int64_t       minWhenModified;  /* atomic.Int64 */
};

/* runtime.gcWork. 40 bytes. */
struct gcWork {
    void      *wbuf1;
    void      *wbuf2;
    uint64_t   bytesMarked;
    int64_t    heapScanWork;
    uint8_t    flushedWork;
};

/* runtime.wbBuf. 4112 bytes. */
struct wbBuf {
    uintptr_t  next;
    uintptr_t  end;
    uintptr_t  buf[512];
};

/* runtime.p. 8944 bytes; palloc at 4624. */
struct p {
    int32_t              id;
    uint32_t             status;
    uintptr_t            link;
    uint32_t             schedtick;
    uint32_t             syscalltick;
    struct sysmontick    sysmontick;
    uintptr_t            m;
    void                *mcache;
    struct pageCache     pcache;
    uintptr_t            raceprocctx;
    struct slice         deferpool;
    void                *deferpoolbuf[32];
    uint64_t             goidcache;
    uint64_t             goidcacheend;
    uint32_t             runqhead;
    uint32_t             runqtail;
    uintptr_t            runq[256];
    uintptr_t            runnext;
    struct pGFree        gFree;
    struct slice         sudogcache;
    void                *sudogbuf[128];
    struct pMspancache   mspancache;
    void                *pinnerCache;     /* *pinner (1.21) */
    struct pTraceState   trace;           /* 1.22: 64 bytes (1.21: 32) */
    struct persistentAlloc palloc;
    int64_t              gcAssistTime;    /* 1.23: timer0When, timerModifiedEarliest moved into timers */
    int64_t              gcFractionalMarkTime;
    uint64_t             limiterEvent;
    int64_t              gcMarkWorkerMode;
    int64_t              gcMarkWorkerStartTime;
    struct gcWork        gcw;
    struct wbBuf         wbBuf;
    uint32_t             runSafePointFn;
    uint32_t             statsSeq;
    struct pTimers       timers;          /* 1.23: timersLock, timers, numTimers, deletedTimers, timerRaceCtx */
    int64_t              maxStackScanDelta;
    uint64_t             scannedStackSize;
    uint64_t             scannedStacks;
    uint8_t              preempt;
    int64_t              gcStopTime;      /* 1.23 */
};

/* runtime.functab. 8 bytes. */
struct functab {
    uint32_t  entryoff;
    uint32_t  funcoff;
};

/* runtime._func. 1.21: +startLine; 44 bytes. */
struct _func {
    uint32_t  entryOff;
    int32_t   nameOff;
    int32_t   args;
    uint32_t  deferreturn;
    uint32_t  pcsp;
    uint32_t  pcfile;
    uint32_t  pcln;
    uint32_t  npcdata;
    uint32_t  cuOffset;
    int32_t   startLine;
    uint8_t   funcID;
    uint8_t   flag;
    uint8_t   _42[1];
    uint8_t   nfuncdata;
};

/* runtime.textsect. 24 bytes. */
struct textsect {
    uintptr_t  vaddr;
    uintptr_t  end;
    uintptr_t  baseaddr;
};

/* runtime.bitvector. 16 bytes. */
struct bitvector {
    int32_t   n;
    uint8_t  *bytedata;
};

/* runtime.pcHeader. 72 bytes. */
struct pcHeader {
    uint32_t   magic;
    uint8_t    pad1;
    uint8_t    pad2;
    uint8_t    minLC;
    uint8_t    ptrSize;
    int64_t    nfunc;
    uint64_t   nfiles;
    uintptr_t  textStart;
    uintptr_t  funcnameOffset;
    uintptr_t  cuOffset;
    uintptr_t  filetabOffset;
    uintptr_t  pctabOffset;
    uintptr_t  pclnOffset;
};

/* runtime.moduledata. 592 bytes. */
struct moduledata {
    struct pcHeader *pcHeader;
    struct slice     funcnametab;
    struct slice     cutab;
    struct slice     filetab;
    struct slice     pctab;
    struct slice     pclntable;
    struct slice     ftab;
    uintptr_t        findfunctab;
    uintptr_t        minpc;
    uintptr_t        maxpc;
    uintptr_t        text;
    uintptr_t        etext;
    uintptr_t        noptrdata;
    uintptr_t        enoptrdata;
    uintptr_t        data;
    uintptr_t        edata;
    uintptr_t        bss;
    uintptr_t        ebss;
    uintptr_t        noptrbss;
    uintptr_t        enoptrbss;
    uintptr_t        covctrs;       /* 1.20 */
    uintptr_t        ecovctrs;
    uintptr_t        end;
    uintptr_t        gcdata;
    uintptr_t        gcbss;
    uintptr_t        types;
    uintptr_t        etypes;
    uintptr_t        rodata;
    uintptr_t        gofunc;
    struct slice     textsectmap;
    struct slice     typelinks;
    struct slice     itablinks;
    struct slice     ptab;
    struct string    pluginpath;
    struct slice     pkghashes;
    struct slice     inittasks;     /* 1.21: []*initTask */
    struct string    modulename;
    struct slice     modulehashes;
    uint8_t          hasmain;
    uint8_t          bad;           /* 1.23: moved next to hasmain */
    struct bitvector gcdatamask;
    struct bitvector gcbssmask;
    void            *typemap;       /* map[typeOff]*_type */
    struct moduledata *next;
};

/*
 * The call-site caches of type assertions and type switches, from this release's src/internal/abi/switch.go
 * (new in Go 1.22; the same six layouts in every release since). For each assertion to a non-empty interface
 * and each type switch with interface cases, the compiler emits one descriptor as a LOCAL data symbol
 * (pkg..typeAssert.N, pkg..interfaceSwitch.N). Its Cache starts at runtime.emptyTypeAssertCache /
 * emptyInterfaceSwitchCache (Mask 0), and now and then the runtime swaps in a bigger table with a CAS (a power
 * of two of entries, indexed by the source type's hash & Mask, linear probing). The arrays are declared with
 * one element as in Go: a table has Mask+1 entries, a switch NCases cases.
 */

/* internal/abi.TypeAssertCacheEntry. 16 bytes. */
struct typeAssertCacheEntry {
    uintptr_t  Typ;          /* the source value's dynamic type (a *Type, kept as uintptr) */
    uintptr_t  Itab;         /* the itab for that type (a *itab), 0 for a failing comma-ok assertion */
};

/* internal/abi.TypeAssertCache. 24 bytes with one entry. */
struct typeAssertCache {
    uintptr_t                    Mask;        /* entries - 1 */
    struct typeAssertCacheEntry  Entries[1];  /* Mask+1 of them */
};

/* internal/abi.TypeAssert: one assertion site's descriptor (pkg..typeAssert.N). 24 bytes. */
struct typeAssert {
    struct typeAssertCache *Cache;
    struct interfacetype   *Inter;     /* the interface asserted to */
    uint8_t                 CanFail;   /* bool: 1 for the comma-ok form, 0 where a failure panics */
};

/* internal/abi.InterfaceSwitchCacheEntry. 24 bytes. */
struct interfaceSwitchCacheEntry {
    uintptr_t  Typ;          /* the source value's dynamic type (a *Type, kept as uintptr) */
    int64_t    Case;         /* the case index it dispatches to */
    uintptr_t  Itab;         /* the itab for that case's interface (a *itab) */
};

/* internal/abi.InterfaceSwitchCache. 32 bytes with one entry. */
struct interfaceSwitchCache {
    uintptr_t                         Mask;        /* entries - 1 */
    struct interfaceSwitchCacheEntry  Entries[1];  /* Mask+1 of them */
};

/* internal/abi.InterfaceSwitch: one type switch's descriptor (pkg..interfaceSwitch.N). 24 bytes as declared,
   16 + 8*NCases as emitted. */
struct interfaceSwitch {
    struct interfaceSwitchCache *Cache;
    int64_t                      NCases;
    struct interfacetype        *Cases[1];  /* NCases of them, each a non-empty interface */
};

_Static_assert(sizeof(struct _type) == 48, "abi.Type");
_Static_assert(sizeof(struct itab) == 32, "abi.ITab");
_Static_assert(sizeof(struct maptype) == 88, "abi.MapType");
_Static_assert(sizeof(struct pTraceState) == 64, "runtime.pTraceState");
_Static_assert(sizeof(struct p) == 8944, "runtime.p");
_Static_assert(sizeof(struct pTimers) == 64, "runtime.timers");
_Static_assert(__builtin_offsetof(struct p, palloc) == 4624, "p.palloc");
_Static_assert(sizeof(struct moduledata) == 584, "runtime.moduledata");
_Static_assert(sizeof(struct _func) == 44, "runtime._func");
_Static_assert(sizeof(struct typeAssert) == 24, "abi.TypeAssert");
_Static_assert(sizeof(struct interfaceSwitchCacheEntry) == 24, "abi.InterfaceSwitchCacheEntry");

#endif /* GOHEAP_GO1_23_AMD64_H */
