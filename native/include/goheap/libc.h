/*
 * libc.h - the part of the C library goheap calls through FFM: the mmap family, errno names, page size.
 * jextract turns it into io.goheap.layouts.libc (native/jextract.sh). Every call is wrapped in
 * io.goheap.runtime.sys with errno captured, since jextract's own handles do not capture it.
 */
#ifndef GOHEAP_LIBC_H
#define GOHEAP_LIBC_H

#define _GNU_SOURCE 1
#include <sys/mman.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Re-exported as plain integer macros so jextract emits them as constants (the system headers
   spell some of them through other macros or casts). */
#define GOHEAP_PROT_NONE       PROT_NONE
#define GOHEAP_PROT_READ       PROT_READ
#define GOHEAP_PROT_WRITE      PROT_WRITE
#define GOHEAP_PROT_EXEC       PROT_EXEC
#define GOHEAP_MAP_PRIVATE     MAP_PRIVATE
#define GOHEAP_MAP_ANONYMOUS   MAP_ANONYMOUS
#define GOHEAP_MAP_FIXED       MAP_FIXED
#define GOHEAP_MAP_NORESERVE   MAP_NORESERVE
#define GOHEAP_MAP_FIXED_NOREPLACE MAP_FIXED_NOREPLACE
#define GOHEAP_MADV_DONTNEED   MADV_DONTNEED
#define GOHEAP_MADV_FREE       MADV_FREE
#define GOHEAP_MADV_HUGEPAGE   MADV_HUGEPAGE
#define GOHEAP_MADV_NOHUGEPAGE MADV_NOHUGEPAGE
#define GOHEAP_SC_PAGESIZE     _SC_PAGESIZE
#define GOHEAP_EPERM   EPERM
#define GOHEAP_EAGAIN  EAGAIN
#define GOHEAP_ENOMEM  ENOMEM
#define GOHEAP_EACCES  EACCES
#define GOHEAP_EFAULT  EFAULT
#define GOHEAP_EEXIST  EEXIST
#define GOHEAP_EINVAL  EINVAL

#endif /* GOHEAP_LIBC_H */
