/*
 * go1_21_amd64.h - the Go 1.21 linux/amd64 runtime structs, under the struct names of go1_19_amd64.h.
 *
 * Written by hand from Go 1.21.13's own source (Debian golang-1.21-src: src/internal/abi/type.go;
 * src/runtime/runtime2.go, proc.go, symtab.go, malloc.go, iface.go, mgcwork.go, mwbbuf.go, trace.go,
 * pagetrace_off.go), not from DWARF: the layoutcheck program of native/structs.manifest prints gcc's sizeof/offsetof, and
 * ReleaseLayoutCheckTest compares them with gdb's ptype/o of a Go 1.21 binary (native/fixtures/ptype-o-1.21.txt). Its jextract output (layouts go121) is what abi.Abi reads this release with.
 *
 * Field names are the release's Go names (internal/abi's exported ones: Size_, PtrBytes, ...). Go's blank
 * fields `_` are named `_N` (N = their offset). The zero-size markers (sys.NotInHeap, lockRankStruct, p.pageTraceBuf
 * without GOEXPERIMENT=pagetrace) have no C member.
 */
#ifndef GOHEAP_GO1_21_AMD64_H
#define GOHEAP_GO1_21_AMD64_H

#include <stdint.h>

/* abi.Type.Kind_: kinds 1..26 as in 1.19; bit 5 DirectIface, bit 6 GCProg. */
#define GO_KIND_DIRECT_IFACE    32
#define GO_KIND_GC_PROG         64
#define GO_KIND_MASK            31
/* abi.PCLnTabMagic of Go 1.20+. */
#define GO_PCHEADER_MAGIC_1_20  0xfffffff1u
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
    uint8_t    Kind_;        /* uint8 (abi.Kind itself is a uint in 1.21) */
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

/* runtime.itab. 32 bytes with one method. */
struct itab {
    struct interfacetype *inter;
    struct _type         *_type;
    uint32_t              hash;
    uint8_t               _20[4];
    uintptr_t             fun[1];
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

/* runtime.sysmontick. 32 bytes. */
struct sysmontick {
    uint32_t   schedtick;
    int64_t    schedwhen;
    uint32_t   syscalltick;
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

/* runtime.pTraceState (trace.go): buf traceBufPtr, inSweep, swept, reclaimed. 32 bytes. */
struct pTraceState {
    uintptr_t  buf;
    uint8_t    inSweep;
    uintptr_t  swept;
    uintptr_t  reclaimed;
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

/* runtime.p. 8912 bytes; palloc at 4600. */
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
    struct pTraceState   trace;           /* 1.21: replaces tracebuf, traceSweep, traceSwept, traceReclaimed */
    struct persistentAlloc palloc;
    int64_t              timer0When;      /* atomic.Int64 (1.19: a `_ uint32` before it) */
    int64_t              timerModifiedEarliest;
    int64_t              gcAssistTime;
    int64_t              gcFractionalMarkTime;
    uint64_t             limiterEvent;
    int64_t              gcMarkWorkerMode;
    int64_t              gcMarkWorkerStartTime;
    struct gcWork        gcw;
    struct wbBuf         wbBuf;
    uint32_t             runSafePointFn;
    uint32_t             statsSeq;
    struct mutex         timersLock;
    struct slice         timers;          /* []*timer */
    uint32_t             numTimers;
    uint32_t             deletedTimers;
    uintptr_t            timerRaceCtx;
    int64_t              maxStackScanDelta;
    uint64_t             scannedStackSize;
    uint64_t             scannedStacks;
    uint8_t              preempt;
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
    struct bitvector gcdatamask;
    struct bitvector gcbssmask;
    void            *typemap;       /* map[typeOff]*_type */
    uint8_t          bad;
    struct moduledata *next;
};

_Static_assert(sizeof(struct _type) == 48, "abi.Type");
_Static_assert(sizeof(struct itab) == 32, "runtime.itab");
_Static_assert(sizeof(struct maptype) == 88, "abi.MapType");
_Static_assert(sizeof(struct p) == 8912, "runtime.p");
_Static_assert(__builtin_offsetof(struct p, palloc) == 4600, "p.palloc");
_Static_assert(sizeof(struct moduledata) == 592, "runtime.moduledata");
_Static_assert(sizeof(struct _func) == 44, "runtime._func");

#endif /* GOHEAP_GO1_21_AMD64_H */
