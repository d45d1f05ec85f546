package io.goheap.runtime.types;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offsets and sizes {@link TypeWriter} writes a release's descriptors with, each read once from the release's
 * layouts ({@link Abi#offsetOf}, {@link Abi#sizeOf}, under the Go 1.19 names) so that writing a type costs no
 * lookup. Offsets are from the start of the struct named, in bytes. Immutable; one per release, shared.
 */
final class Layout {
    private static final Map<GoRelease, Layout> ALL = new ConcurrentHashMap<>();

    /** abi.Type: its fields and size (the descriptor of a kind without a struct of its own). */
    final int typeSize, size, ptrdata, hash, tflag, align, fieldAlign, kind, equal, gcdata, str, ptrToThis;
    /** abi.UncommonType, after the kind's struct. */
    final int uncommonSize, uncommonPkgPath, mcount, xcount, moff, uncommonBlank;
    /** abi.Method, the methods at Moff. */
    final int methodSize, methodName, mtyp, ifn, tfn;
    /** abi.PtrType, abi.SliceType. */
    final int ptrTypeSize, ptrElem, sliceTypeSize, sliceElem;
    /** abi.ArrayType. */
    final int arrayTypeSize, arrayElem, arraySlice, arrayLen;
    /** abi.ChanType. */
    final int chanTypeSize, chanElem, chanDir;
    /** abi.FuncType: the counts; the parameter words follow the uncommon type. */
    final int funcTypeSize, inCount, outCount;
    /** abi.InterfaceType and abi.Imethod. */
    final int interfaceTypeSize, interfacePkgPath, interfaceMethods, imethodSize, imethodName, imethodTyp;
    /** abi.StructType and abi.StructField. */
    final int structTypeSize, structPkgPath, structFields, structFieldSize, fieldName, fieldTyp, fieldOffset;
    /** a slice header's words, and abi.Name's one pointer */
    final int sliceArray, sliceLen, sliceCap, nameBytes;
    /** abi.ITab: Inter, Type, Hash, then Fun[0]. */
    final int itabInter, itabType, itabHash, itabFun;

    private Layout(Abi abi) {
        typeSize = size(abi, "_type");
        size = off(abi, "_type", "size");
        ptrdata = off(abi, "_type", "ptrdata");
        hash = off(abi, "_type", "hash");
        tflag = off(abi, "_type", "tflag");
        align = off(abi, "_type", "align");
        fieldAlign = off(abi, "_type", "fieldAlign");
        kind = off(abi, "_type", "kind");
        equal = off(abi, "_type", "equal");
        gcdata = off(abi, "_type", "gcdata");
        str = off(abi, "_type", "str");
        ptrToThis = off(abi, "_type", "ptrToThis");
        uncommonSize = size(abi, "uncommontype");
        uncommonPkgPath = off(abi, "uncommontype", "pkgpath");
        mcount = off(abi, "uncommontype", "mcount");
        xcount = off(abi, "uncommontype", "xcount");
        moff = off(abi, "uncommontype", "moff");
        uncommonBlank = off(abi, "uncommontype", "_12");
        methodSize = size(abi, "method");
        methodName = off(abi, "method", "name");
        mtyp = off(abi, "method", "mtyp");
        ifn = off(abi, "method", "ifn");
        tfn = off(abi, "method", "tfn");
        ptrTypeSize = size(abi, "ptrtype");
        ptrElem = off(abi, "ptrtype", "elem");
        sliceTypeSize = size(abi, "slicetype");
        sliceElem = off(abi, "slicetype", "elem");
        arrayTypeSize = size(abi, "arraytype");
        arrayElem = off(abi, "arraytype", "elem");
        arraySlice = off(abi, "arraytype", "slice");
        arrayLen = off(abi, "arraytype", "len");
        chanTypeSize = size(abi, "chantype");
        chanElem = off(abi, "chantype", "elem");
        chanDir = off(abi, "chantype", "dir");
        funcTypeSize = size(abi, "functype");
        inCount = off(abi, "functype", "inCount");
        outCount = off(abi, "functype", "outCount");
        interfaceTypeSize = size(abi, "interfacetype");
        interfacePkgPath = off(abi, "interfacetype", "pkgpath");
        interfaceMethods = off(abi, "interfacetype", "mhdr");
        imethodSize = size(abi, "imethod");
        imethodName = off(abi, "imethod", "name");
        imethodTyp = off(abi, "imethod", "ityp");
        structTypeSize = size(abi, "structtype");
        structPkgPath = off(abi, "structtype", "pkgPath");
        structFields = off(abi, "structtype", "fields");
        structFieldSize = size(abi, "structfield");
        fieldName = off(abi, "structfield", "name");
        fieldTyp = off(abi, "structfield", "typ");
        fieldOffset = off(abi, "structfield", "offset");
        sliceArray = off(abi, "slice", "array");
        sliceLen = off(abi, "slice", "len");
        sliceCap = off(abi, "slice", "cap");
        nameBytes = off(abi, "name", "bytes");
        itabInter = off(abi, "itab", "inter");
        itabType = off(abi, "itab", "_type");
        itabHash = off(abi, "itab", "hash");
        itabFun = off(abi, "itab", "fun");
    }

    /** The layout of {@code release}'s descriptors. @throws IllegalArgumentException if goheap has no layouts of it */
    static Layout of(GoRelease release) {
        return ALL.computeIfAbsent(release, r -> new Layout(Abi.of(r)));
    }

    /** The offset of {@code Fun[k]} in an itab. */
    int itabFun(int k) {
        return itabFun + k * Abi.PTR_SIZE;
    }

    private static int off(Abi abi, String struct, String field) {
        return Math.toIntExact(abi.offsetOf(struct, field));
    }

    private static int size(Abi abi, String struct) {
        return Math.toIntExact(abi.sizeOf(struct));
    }
}
