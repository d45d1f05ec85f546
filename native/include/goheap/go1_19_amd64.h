/*
 * go1_19_amd64.h - the Go 1.19 linux/amd64 runtime structs that goheap builds in native memory.
 *
 * This header is the layout truth of the project. jextract turns it into io.goheap.layouts.go119
 * (see native/jextract.sh); a gcc program generated from native/structs.manifest prints sizeof/offsetof of every field;
 * the tests compare both with each other and with gdb's `ptype/o` of a real Go 1.19 binary
 * (native/fixtures/ptype-o.txt) and with bytes the Go compiler emitted (native/fixtures/xer.srodata.txt).
 *
 * Names follow the Go runtime: struct _type is runtime._type, and so on. Go's blank fields `_` are
 * named `_N` here (N = their offset), since jextract cannot emit a Java field named `_`.
 * Go `uintptr` and pointers are 8 bytes; `nameOff`, `typeOff` and `textOff` are int32 offsets:
 * nameOff/typeOff from moduledata.types, textOff from moduledata.text.
 *
 * Read against: src/runtime/type.go, runtime2.go, iface.go, malloc.go, symtab.go, stack.go (Go 1.19.8).
 */
#ifndef GOHEAP_GO1_19_AMD64_H
#define GOHEAP_GO1_19_AMD64_H

#include <stdint.h>

/* ---- constants of the runtime (typekind.go, type.go, iface.go, malloc.go) ---- */

/* _type.kind: the low 5 bits are the kind, bit 5 says the value is stored directly in the
   interface data word, bit 6 that gcdata is a GC program. */
#define GO_KIND_BOOL            1
#define GO_KIND_INT             2
#define GO_KIND_INT8            3
#define GO_KIND_INT16           4
#define GO_KIND_INT32           5
#define GO_KIND_INT64           6
#define GO_KIND_UINT            7
#define GO_KIND_UINT8           8
#define GO_KIND_UINT16          9
#define GO_KIND_UINT32          10
#define GO_KIND_UINT64          11
#define GO_KIND_UINTPTR         12
#define GO_KIND_FLOAT32         13
#define GO_KIND_FLOAT64         14
#define GO_KIND_COMPLEX64       15
#define GO_KIND_COMPLEX128      16
#define GO_KIND_ARRAY           17
#define GO_KIND_CHAN            18
#define GO_KIND_FUNC            19
#define GO_KIND_INTERFACE       20
#define GO_KIND_MAP             21
#define GO_KIND_PTR             22
#define GO_KIND_SLICE           23
#define GO_KIND_STRING          24
#define GO_KIND_STRUCT          25
#define GO_KIND_UNSAFE_POINTER  26
#define GO_KIND_DIRECT_IFACE    32   /* 1 << 5 */
#define GO_KIND_GC_PROG         64   /* 1 << 6 */
#define GO_KIND_MASK            31   /* (1 << 5) - 1 */

/* _type.tflag bits. */
#define GO_TFLAG_UNCOMMON        1   /* an uncommontype follows the kind-specific part */
#define GO_TFLAG_EXTRA_STAR      2   /* the name in str has a leading '*' to drop */
#define GO_TFLAG_NAMED           4   /* the type has a name */
#define GO_TFLAG_REGULAR_MEMORY  8   /* equal/hash may treat the value as size bytes */

/* name byte 0 flags (reflect/type.go, "name" encoding; see struct name below). */
#define GO_NAME_EXPORTED   1   /* 1 << 0 */
#define GO_NAME_HAS_TAG    2   /* 1 << 1: a varint length and the tag follow the name */
#define GO_NAME_HAS_PKG    4   /* 1 << 2: a 4-byte nameOff of the package path follows */
#define GO_NAME_EMBEDDED   8   /* 1 << 3: the struct field is embedded */

/* iface.go: the initial itabTable holds this many entries; must be a power of two. */
#define GO_ITAB_INIT_SIZE  512

/* malloc.go: persistentalloc chunk size, the largest block served from a chunk, page size. */
#define GO_PERSISTENT_CHUNK_SIZE  (256 << 10)
#define GO_MAX_BLOCK              (64 << 10)
#define GO_PAGE_SIZE              8192      /* _PageSize, 1 << _PageShift (13) */
#define GO_PTR_SIZE               8

/* sizeclasses.go and malloc.go: the small-object size classes and the heap's geometry. */
#define GO_MAX_SMALL_SIZE         32768     /* _MaxSmallSize: larger objects get a span of their own */
#define GO_SMALL_SIZE_DIV         8
#define GO_SMALL_SIZE_MAX         1024
#define GO_LARGE_SIZE_DIV         128
#define GO_NUM_SIZE_CLASSES       68
#define GO_MAX_TINY_SIZE          16        /* noscan objects below this share 16-byte tiny blocks */
#define GO_TINY_SIZE_CLASS        2
#define GO_HEAP_ARENA_BYTES       (64 << 20) /* heapArenaBytes on linux/amd64 */
#define GO_PALLOC_CHUNK_BYTES     (4 << 20)  /* pallocChunkBytes: the heap grows by this much at least */
#define GO_ARENA_HINT_BASE        0x00c000000000ull /* first arena hint: 0x00c0 << 32 */

/* proc.go: P status values. */
#define GO_P_IDLE      0
#define GO_P_RUNNING   1
#define GO_P_SYSCALL   2
#define GO_P_GCSTOP    3
#define GO_P_DEAD      4

/* symtab.go: pcHeader.magic for Go 1.18 and 1.19 (1.20+ uses 0xfffffff1). */
#define GO_PCHEADER_MAGIC_1_18  0xfffffff0u

/* ---- the structs ---- */

/* runtime.slice: a slice header. 24 bytes. */
struct slice {
    void     *array;   /* first element, or 0 */
    int64_t   len;     /* elements in use */
    int64_t   cap;     /* elements allocated; len <= cap */
};

/* runtime.stringStruct: a string header. 16 bytes. */
struct string {
    uint8_t  *str;     /* the bytes, not NUL-terminated */
    int64_t   len;     /* length in bytes */
};

/* runtime._type: the header every type descriptor starts with. 48 bytes.
   A kind-specific tail follows (interfacetype, ptrtype, ...) and, when tflag has
   GO_TFLAG_UNCOMMON, an uncommontype after that. */
struct _type {
    uintptr_t  size;        /* bytes of a value */
    uintptr_t  ptrdata;     /* bytes of the prefix that can hold pointers; 0 for noscan types */
    uint32_t   hash;        /* cmd/compile's type hash; itab.hash copies it for static itabs */
    uint8_t    tflag;       /* GO_TFLAG_* */
    uint8_t    align;       /* alignment of a value, power of two */
    uint8_t    fieldAlign;  /* alignment as a struct field, power of two */
    uint8_t    kind;        /* GO_KIND_* | GO_KIND_DIRECT_IFACE | GO_KIND_GC_PROG */
    void      *equal;       /* func(unsafe.Pointer, unsafe.Pointer) bool: a closure pointer, or 0 */
    uint8_t   *gcdata;      /* ptrmask bitmap, or a GC program when kind has GO_KIND_GC_PROG */
    int32_t    str;         /* nameOff of the type's string */
    int32_t    ptrToThis;   /* typeOff of *T, or 0 when the linker kept none */
};

/* runtime.uncommontype: package path and methods of a named type or one with methods. 16 bytes. */
struct uncommontype {
    int32_t   pkgpath;   /* nameOff of the package path */
    uint16_t  mcount;    /* methods in the array; sorted as types.Sym.Less sorts: exported first, then by name */
    uint16_t  xcount;    /* exported methods, the first xcount entries; xcount <= mcount */
    uint32_t  moff;      /* byte offset from this uncommontype to [mcount]method */
    uint32_t  _12;       /* Go: `_ uint32`, unused */
};

/* runtime.method: one entry of a concrete type's method table. 16 bytes. */
struct method {
    int32_t  name;   /* nameOff of the method name */
    int32_t  mtyp;   /* typeOff of the method's func type (without receiver) */
    int32_t  ifn;    /* textOff of the function called through an interface */
    int32_t  tfn;    /* textOff of the function called on the value */
};

/* runtime.imethod: one method of an interface type. 8 bytes. */
struct imethod {
    int32_t  name;   /* nameOff of the method name */
    int32_t  ityp;   /* typeOff of the method's func type */
};

/* runtime.name: a pointer to an encoded name. 8 bytes.
 *
 * The bytes it points at (reflect/type.go, Go 1.19):
 *   byte 0      flags: GO_NAME_EXPORTED | GO_NAME_HAS_TAG | GO_NAME_HAS_PKG | GO_NAME_EMBEDDED
 *   varint n    the name's length, 7 bits a byte, low group first, high bit = more follows
 *   n bytes     the name itself (UTF-8, no NUL)
 *   if HAS_TAG: varint t, then t bytes of the struct tag
 *   if HAS_PKG: 4 bytes, a nameOff (little endian, unaligned) of the package path name
 * Example from the Go 1.19 compiler: type..namedata.*main.Xer. is 01 09 "*main.Xer"
 * (exported, 9 bytes); type..importpath.main. is 00 04 "main".
 */
struct name {
    uint8_t  *bytes;
};

/* runtime.interfacetype: an interface's type descriptor. 80 bytes. */
struct interfacetype {
    struct _type  typ;
    struct name   pkgpath;   /* package of unexported methods */
    struct slice  mhdr;      /* []imethod, sorted as types.Sym.Less sorts: exported first, then by name */
};

/* ---- kind-specific tails (type.go): each starts with the _type header; an uncommontype follows the
   whole struct when tflag has GO_TFLAG_UNCOMMON ---- */

/* runtime.ptrtype. 56 bytes. */
struct ptrtype {
    struct _type   typ;
    struct _type  *elem;
};

/* runtime.slicetype. 56 bytes. */
struct slicetype {
    struct _type   typ;
    struct _type  *elem;
};

/* runtime.arraytype. 72 bytes. */
struct arraytype {
    struct _type   typ;
    struct _type  *elem;
    struct _type  *slice;   /* the []elem type */
    uintptr_t      len;
};

/* runtime.chantype. 64 bytes. */
struct chantype {
    struct _type   typ;
    struct _type  *elem;
    uintptr_t      dir;     /* reflect.ChanDir: 1 recv, 2 send, 3 both */
};

/* runtime.functype. 56 bytes; inCount + outCount *_type words follow (after the uncommontype, if
   any). The top bit of outCount marks a variadic func. */
struct functype {
    struct _type   typ;
    uint16_t       inCount;
    uint16_t       outCount;
};

/* runtime.maptype. 88 bytes. */
struct maptype {
    struct _type   typ;
    struct _type  *key;
    struct _type  *elem;
    struct _type  *bucket;     /* internal type representing a hash bucket */
    void          *hasher;     /* func(unsafe.Pointer, uintptr) uintptr: a closure pointer */
    uint8_t        keysize;    /* size of key slot */
    uint8_t        elemsize;   /* size of elem slot */
    uint16_t       bucketsize; /* size of bucket */
    uint32_t       flags;
};

/* runtime.structfield. 24 bytes. */
struct structfield {
    struct name    name;
    struct _type  *typ;
    uintptr_t      offset;     /* byte offset of the field */
};

/* runtime.structtype. 80 bytes. */
struct structtype {
    struct _type   typ;
    struct name    pkgPath;
    struct slice   fields;     /* []structfield, in declaration order */
};

/* runtime.itab: the interface table of one (interface, concrete type) pair. 32 bytes with one fun
   word; really 24 + 8 * len(interfacetype.mhdr) bytes. */
struct itab {
    struct interfacetype  *inter;
    struct _type          *_type;
    uint32_t               hash;    /* copy of _type->hash for static itabs (type switches); 0 from getitab */
    uint8_t                _20[4];  /* Go: `_ [4]byte` */
    uintptr_t              fun[1];  /* variable sized: one word a method; fun[0] == 0 means _type does not implement inter */
};

/* runtime.iface: a non-empty interface value. 16 bytes. */
struct iface {
    struct itab  *tab;
    void         *data;
};

/* runtime.eface: an empty interface (any) value. 16 bytes. */
struct eface {
    struct _type *_type;
    void         *data;
};

/* runtime.itabTableType: the open-addressed hash table of itabs. 16 + 8 * GO_ITAB_INIT_SIZE bytes
   as declared; a grown table is really 16 + 8 * size bytes. */
struct itabTableType {
    uintptr_t     size;                         /* length of entries: a power of two */
    uintptr_t     count;                        /* filled entries; a grow happens at count >= 3*(size/4) */
    struct itab  *entries[GO_ITAB_INIT_SIZE];   /* really [size] */
};

/* runtime.persistentAlloc: a bump allocator over the current 256 KiB chunk. 16 bytes. */
struct persistentAlloc {
    void       *base;   /* current chunk, or 0; its first word links to the previous chunk */
    uintptr_t   off;    /* next free byte offset within base; <= GO_PERSISTENT_CHUNK_SIZE */
};

/* runtime.mutex: a futex-based lock word (lockRankStruct is empty without staticlockranking). 8 bytes. */
struct mutex {
    uintptr_t  key;   /* 0 unlocked, 1 locked, 2 locked with sleepers (lock_futex.go) */
};

/* The type of runtime.globalAlloc (malloc.go): `struct { mutex; persistentAlloc }`, the persistent
   allocator used by threads without a P. 24 bytes. */
struct globalAlloc {
    struct mutex            mutex;
    struct persistentAlloc  persistentAlloc;
};

/* runtime.sysmontick. 32 bytes. */
struct sysmontick {
    uint32_t  schedtick;
    int64_t   schedwhen;
    uint32_t  syscalltick;
    int64_t   syscallwhen;
};

/* runtime.pageCache. 24 bytes. */
struct pageCache {
    uintptr_t  base;    /* base address of the 64-page chunk */
    uint64_t   cache;   /* 64-bit bitmap of free pages (1 = free) */
    uint64_t   scav;    /* 64-bit bitmap of scavenged pages */
};

/* p.gFree: `struct { gList; n int32 }`. 16 bytes. */
struct pGFree {
    uintptr_t  gList;   /* gList.head, a guintptr */
    int32_t    n;
};

/* p.mspancache: `struct { len int; buf [128]*mspan }`. 1032 bytes. */
struct pMspancache {
    int64_t    len;
    void      *buf[128];
};

/* runtime.gcWork. 40 bytes. */
struct gcWork {
    void      *wbuf1;
    void      *wbuf2;
    uint64_t   bytesMarked;
    int64_t    heapScanWork;
    uint8_t    flushedWork;   /* bool */
};

/* runtime.wbBuf: the write barrier buffer. 4112 bytes. */
struct wbBuf {
    uintptr_t  next;
    uintptr_t  end;
    uintptr_t  buf[512];
};

/* runtime.p: a processor, the resource a thread needs to run Go code (runtime2.go). 8912 bytes.
   goheap uses id, status and palloc (at 4592); every field is here so the whole struct has Go's bytes. */
struct p {
    int32_t              id;
    uint32_t             status;          /* _Pidle 0, _Prunning 1, _Psyscall 2, _Pgcstop 3, _Pdead 4 */
    uintptr_t            link;            /* puintptr */
    uint32_t             schedtick;
    uint32_t             syscalltick;
    struct sysmontick    sysmontick;
    uintptr_t            m;               /* muintptr: the M holding this P, or 0 */
    void                *mcache;          /* *mcache */
    struct pageCache     pcache;
    uintptr_t            raceprocctx;
    struct slice         deferpool;       /* []*_defer */
    void                *deferpoolbuf[32];
    uint64_t             goidcache;
    uint64_t             goidcacheend;
    uint32_t             runqhead;
    uint32_t             runqtail;
    uintptr_t            runq[256];       /* [256]guintptr */
    uintptr_t            runnext;         /* guintptr */
    struct pGFree        gFree;
    struct slice         sudogcache;      /* []*sudog */
    void                *sudogbuf[128];
    struct pMspancache   mspancache;
    uintptr_t            tracebuf;        /* traceBufPtr */
    uint8_t              traceSweep;      /* bool */
    uintptr_t            traceSwept;
    uintptr_t            traceReclaimed;
    struct persistentAlloc palloc;        /* this P's persistentalloc state */
    uint32_t             _4608;           /* Go: `_ uint32`, aligns timer0When */
    uint64_t             timer0When;
    uint64_t             timerModifiedEarliest;
    int64_t              gcAssistTime;
    int64_t              gcFractionalMarkTime;
    uint64_t             limiterEvent;    /* limiterEvent{stamp atomic.Uint64} */
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
    uint8_t              preempt;         /* bool */
};

/* runtime.functab: one entry of the pclntab function table. 8 bytes. */
struct functab {
    uint32_t  entryoff;   /* relative to moduledata.text */
    uint32_t  funcoff;
};

/* runtime._func: a function's entry in the pclntab, at moduledata.pclntable + functab.funcoff. 40 bytes. */
struct _func {
    uint32_t  entryoff;     /* start pc, relative to moduledata.text */
    int32_t   nameoff;      /* name: a NUL-terminated string at moduledata.funcnametab + nameoff */
    int32_t   args;         /* in/out argument bytes */
    uint32_t  deferreturn;
    uint32_t  pcsp;
    uint32_t  pcfile;
    uint32_t  pcln;
    uint32_t  npcdata;
    uint32_t  cuOffset;
    uint8_t   funcID;       /* runtime.funcID */
    uint8_t   flag;         /* runtime.funcFlag */
    uint8_t   _38[1];       /* Go: `_ [1]byte`, padding */
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
    int32_t   n;          /* number of bits */
    uint8_t  *bytedata;
};

/* runtime.pcHeader: the head of the pclntab. 72 bytes. */
struct pcHeader {
    uint32_t   magic;            /* GO_PCHEADER_MAGIC_1_18 */
    uint8_t    pad1;
    uint8_t    pad2;
    uint8_t    minLC;            /* min instruction size: 1 on amd64 */
    uint8_t    ptrSize;          /* 8 */
    int64_t    nfunc;
    uint64_t   nfiles;
    uintptr_t  textStart;        /* equals moduledata.text */
    uintptr_t  funcnameOffset;   /* offsets from the pcHeader */
    uintptr_t  cuOffset;
    uintptr_t  filetabOffset;
    uintptr_t  pctabOffset;
    uintptr_t  pclnOffset;
};

/* runtime.moduledata: one loaded module (the linker emits runtime.firstmoduledata). 552 bytes. */
struct moduledata {
    struct pcHeader *pcHeader;
    struct slice     funcnametab;   /* []byte */
    struct slice     cutab;         /* []uint32 */
    struct slice     filetab;       /* []byte */
    struct slice     pctab;         /* []byte */
    struct slice     pclntable;     /* []byte */
    struct slice     ftab;          /* []functab */
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
    uintptr_t        end;
    uintptr_t        gcdata;
    uintptr_t        gcbss;
    uintptr_t        types;         /* base of nameOff/typeOff */
    uintptr_t        etypes;
    uintptr_t        rodata;
    uintptr_t        gofunc;        /* go.func.* */
    struct slice     textsectmap;   /* []textsect */
    struct slice     typelinks;     /* []int32: offsets from types */
    struct slice     itablinks;     /* []*itab */
    struct slice     ptab;          /* []ptabEntry */
    struct string    pluginpath;
    struct slice     pkghashes;     /* []modulehash */
    struct string    modulename;
    struct slice     modulehashes;  /* []modulehash */
    uint8_t          hasmain;       /* 1 if the module contains main.main */
    struct bitvector gcdatamask;
    struct bitvector gcbssmask;
    void            *typemap;       /* map[typeOff]*_type */
    uint8_t          bad;           /* bool */
    struct moduledata *next;
};

#endif /* GOHEAP_GO1_19_AMD64_H */
