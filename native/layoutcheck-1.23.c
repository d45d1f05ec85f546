/*
 * layoutcheck-1.23.c - prints sizeof/offsetof of every struct and field of go1_23_amd64.h as JSON, in the
 * format of layoutcheck.c: [{"struct":"itab","size":32,"fields":[{"name":"Inter","offset":0,"size":8},...]},...]
 * Built and run by ReleaseLayoutCheckTest with `gcc -std=c11 -I include`; its output is compared with gdb's
 * ptype/o of a Go 1.23 binary (native/fixtures/ptype-o-1.23.txt), field by field.
 */
#include "goheap/go1_23_amd64.h"
#include "layoutcheck.h"

int main(void) {
    S(slice); F(slice, array); F(slice, len); F(slice, cap); end();
    S(string); F(string, str); F(string, len); end();
    S(_type); F(_type, Size_); F(_type, PtrBytes); F(_type, Hash); F(_type, TFlag); F(_type, Align_);
                       F(_type, FieldAlign_); F(_type, Kind_); F(_type, Equal); F(_type, GCData); F(_type, Str);
                       F(_type, PtrToThis); end();
    S(uncommontype); F(uncommontype, PkgPath); F(uncommontype, Mcount); F(uncommontype, Xcount);
                       F(uncommontype, Moff); F(uncommontype, _12); end();
    S(method); F(method, Name); F(method, Mtyp); F(method, Ifn); F(method, Tfn); end();
    S(imethod); F(imethod, Name); F(imethod, Typ); end();
    S(name); F(name, Bytes); end();
    S(interfacetype); F(interfacetype, Type); F(interfacetype, PkgPath); F(interfacetype, Methods); end();
    S(ptrtype); F(ptrtype, Type); F(ptrtype, Elem); end();
    S(slicetype); F(slicetype, Type); F(slicetype, Elem); end();
    S(arraytype); F(arraytype, Type); F(arraytype, Elem); F(arraytype, Slice); F(arraytype, Len); end();
    S(chantype); F(chantype, Type); F(chantype, Elem); F(chantype, Dir); end();
    S(functype); F(functype, Type); F(functype, InCount); F(functype, OutCount); end();
    S(maptype); F(maptype, Type); F(maptype, Key); F(maptype, Elem); F(maptype, Bucket); F(maptype, Hasher);
                       F(maptype, KeySize); F(maptype, ValueSize); F(maptype, BucketSize); F(maptype, Flags); end();
    S(structfield); F(structfield, Name); F(structfield, Typ); F(structfield, Offset); end();
    S(structtype); F(structtype, Type); F(structtype, PkgPath); F(structtype, Fields); end();
    S(itab); F(itab, Inter); F(itab, Type); F(itab, Hash); F(itab, Fun); end();
    S(iface); F(iface, tab); F(iface, data); end();
    S(eface); F(eface, _type); F(eface, data); end();
    S(itabTableType); F(itabTableType, size); F(itabTableType, count); F(itabTableType, entries); end();
    S(persistentAlloc); F(persistentAlloc, base); F(persistentAlloc, off); end();
    S(mutex); F(mutex, key); end();
    S(globalAlloc); F(globalAlloc, mutex); F(globalAlloc, persistentAlloc); end();
    S(sysmontick); F(sysmontick, schedtick); F(sysmontick, syscalltick); F(sysmontick, schedwhen);
                       F(sysmontick, syscallwhen); end();
    S(pageCache); F(pageCache, base); F(pageCache, cache); F(pageCache, scav); end();
    S(pGFree); F(pGFree, gList); F(pGFree, n); end();
    S(pMspancache); F(pMspancache, len); F(pMspancache, buf); end();
    S(pTraceState); F(pTraceState, statusTraced); F(pTraceState, seq); F(pTraceState, mSyscallID);
                       F(pTraceState, maySweep); F(pTraceState, inSweep); F(pTraceState, swept);
                       F(pTraceState, reclaimed); end();
    S(pTimers); F(pTimers, mu); F(pTimers, heap); F(pTimers, len); F(pTimers, zombies); F(pTimers, raceCtx);
                       F(pTimers, minWhenHeap); F(pTimers, minWhenModified); end();
    S(gcWork); F(gcWork, wbuf1); F(gcWork, wbuf2); F(gcWork, bytesMarked); F(gcWork, heapScanWork);
                       F(gcWork, flushedWork); end();
    S(wbBuf); F(wbBuf, next); F(wbBuf, end); F(wbBuf, buf); end();
    S(p); F(p, id); F(p, status); F(p, link); F(p, schedtick); F(p, syscalltick); F(p, sysmontick); F(p, m);
                       F(p, mcache); F(p, pcache); F(p, raceprocctx); F(p, deferpool); F(p, deferpoolbuf);
                       F(p, goidcache); F(p, goidcacheend); F(p, runqhead); F(p, runqtail); F(p, runq);
                       F(p, runnext); F(p, gFree); F(p, sudogcache); F(p, sudogbuf); F(p, mspancache);
                       F(p, pinnerCache); F(p, trace); F(p, palloc); F(p, gcAssistTime); F(p, gcFractionalMarkTime);
                       F(p, limiterEvent); F(p, gcMarkWorkerMode); F(p, gcMarkWorkerStartTime); F(p, gcw);
                       F(p, wbBuf); F(p, runSafePointFn); F(p, statsSeq); F(p, timers); F(p, maxStackScanDelta);
                       F(p, scannedStackSize); F(p, scannedStacks); F(p, preempt); F(p, gcStopTime); end();
    S(functab); F(functab, entryoff); F(functab, funcoff); end();
    S(_func); F(_func, entryOff); F(_func, nameOff); F(_func, args); F(_func, deferreturn); F(_func, pcsp);
                       F(_func, pcfile); F(_func, pcln); F(_func, npcdata); F(_func, cuOffset); F(_func, startLine);
                       F(_func, funcID); F(_func, flag); F(_func, _42); F(_func, nfuncdata); end();
    S(textsect); F(textsect, vaddr); F(textsect, end); F(textsect, baseaddr); end();
    S(bitvector); F(bitvector, n); F(bitvector, bytedata); end();
    S(pcHeader); F(pcHeader, magic); F(pcHeader, pad1); F(pcHeader, pad2); F(pcHeader, minLC); F(pcHeader, ptrSize);
                       F(pcHeader, nfunc); F(pcHeader, nfiles); F(pcHeader, textStart); F(pcHeader, funcnameOffset);
                       F(pcHeader, cuOffset); F(pcHeader, filetabOffset); F(pcHeader, pctabOffset);
                       F(pcHeader, pclnOffset); end();
    S(moduledata); F(moduledata, pcHeader); F(moduledata, funcnametab); F(moduledata, cutab);
                       F(moduledata, filetab); F(moduledata, pctab); F(moduledata, pclntable); F(moduledata, ftab);
                       F(moduledata, findfunctab); F(moduledata, minpc); F(moduledata, maxpc); F(moduledata, text);
                       F(moduledata, etext); F(moduledata, noptrdata); F(moduledata, enoptrdata);
                       F(moduledata, data); F(moduledata, edata); F(moduledata, bss); F(moduledata, ebss);
                       F(moduledata, noptrbss); F(moduledata, enoptrbss); F(moduledata, covctrs);
                       F(moduledata, ecovctrs); F(moduledata, end); F(moduledata, gcdata); F(moduledata, gcbss);
                       F(moduledata, types); F(moduledata, etypes); F(moduledata, rodata); F(moduledata, gofunc);
                       F(moduledata, textsectmap); F(moduledata, typelinks); F(moduledata, itablinks);
                       F(moduledata, ptab); F(moduledata, pluginpath); F(moduledata, pkghashes);
                       F(moduledata, inittasks); F(moduledata, modulename); F(moduledata, modulehashes);
                       F(moduledata, hasmain); F(moduledata, bad); F(moduledata, gcdatamask);
                       F(moduledata, gcbssmask); F(moduledata, typemap); F(moduledata, next); end();
    S(typeAssertCacheEntry); F(typeAssertCacheEntry, Typ); F(typeAssertCacheEntry, Itab); end();
    S(typeAssertCache); F(typeAssertCache, Mask); F(typeAssertCache, Entries); end();
    S(typeAssert); F(typeAssert, Cache); F(typeAssert, Inter); F(typeAssert, CanFail); end();
    S(interfaceSwitchCacheEntry); F(interfaceSwitchCacheEntry, Typ); F(interfaceSwitchCacheEntry, Case);
                       F(interfaceSwitchCacheEntry, Itab); end();
    S(interfaceSwitchCache); F(interfaceSwitchCache, Mask); F(interfaceSwitchCache, Entries); end();
    S(interfaceSwitch); F(interfaceSwitch, Cache); F(interfaceSwitch, NCases); F(interfaceSwitch, Cases); end();
    printf("\n]\n");
    return 0;
}
