/*
 * layoutcheck.h - the JSON printer every layoutcheck program shares: S(T) opens struct T with its
 * sizeof, F(T, f) prints field f with its offsetof and size, end() closes the struct. The output:
 *   [{"struct":"itab","size":32,"fields":[{"name":"inter","offset":0,"size":8},...]},...]
 * A program includes it after its release's header and prints every struct from main().
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
