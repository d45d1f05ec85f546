/*
 * layoutcheck.h - the JSON printer of the layoutcheck programs: S(T) opens struct T with its sizeof,
 * F(T, f) prints field f with its offsetof and size, end() closes the struct. The output:
 *   [{"struct":"itab","size":32,"fields":[{"name":"inter","offset":0,"size":8},...]},...]
 * A program includes its release's header (go1_N_amd64.h), then this, and prints every struct from main():
 *   S(itab); F(itab, inter); F(itab, _type); F(itab, hash); F(itab, _20); F(itab, fun); end();
 * The programs are not kept: the tests (LayoutCheckProgram) write one per release from native/structs.manifest,
 * which lists every struct and field of each header, and build it with `gcc -std=c11 -Wall -Werror -I include
 * -I native`. LayoutCheckTest and ReleaseJextractTest compare its output with the jextract layouts,
 * ReleaseLayoutCheckTest with gdb's ptype/o of a binary of that release (native/fixtures/ptype-o-1.N.txt).
 */
#ifndef GOHEAP_LAYOUTCHECK_H
#define GOHEAP_LAYOUTCHECK_H

#include <stddef.h>
#include <stdio.h>

static int first_struct = 1;
static int first_field;

static void begin(const char *name, size_t size) {
    printf("%s\n  {\"struct\":\"%s\",\"size\":%zu,\"fields\":[", first_struct ? "[" : ",", name, size);
    first_struct = 0;
    first_field = 1;
}

static void field(const char *name, size_t offset, size_t size) {
    printf("%s\n    {\"name\":\"%s\",\"offset\":%zu,\"size\":%zu}", first_field ? "" : ",", name, offset, size);
    first_field = 0;
}

static void end(void) { printf("]}"); }

#define S(T)     begin(#T, sizeof(struct T))
#define F(T, f)  field(#f, offsetof(struct T, f), sizeof(((struct T *)0)->f))

#endif
