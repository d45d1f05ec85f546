/*
 * elf64.h - the part of the system's <elf.h> goheap reads and writes: the ELF64 file, program and
 * section headers, symbols, note headers and RELA relocations, and the constants for x86-64 executables and cores.
 * jextract turns it into io.goheap.layouts.elf (native/jextract.sh); io.goheap.runtime.elf reads
 * executables and cores (and writes goheap's own dumps) through those layouts, never through
 * hand-typed offsets.
 */
#ifndef GOHEAP_ELF64_H
#define GOHEAP_ELF64_H

#include <elf.h>

/* Re-exported as plain integer macros so jextract emits them as constants. */
#define GOHEAP_EI_CLASS      EI_CLASS
#define GOHEAP_EI_DATA       EI_DATA
#define GOHEAP_EI_VERSION    EI_VERSION
#define GOHEAP_EI_NIDENT     EI_NIDENT
#define GOHEAP_ELFCLASS64    ELFCLASS64
#define GOHEAP_ELFDATA2LSB   ELFDATA2LSB
#define GOHEAP_EV_CURRENT    EV_CURRENT
#define GOHEAP_ET_EXEC       ET_EXEC
#define GOHEAP_ET_DYN        ET_DYN
#define GOHEAP_ET_CORE       ET_CORE
#define GOHEAP_EM_X86_64     EM_X86_64
#define GOHEAP_PT_LOAD       PT_LOAD
#define GOHEAP_PT_NOTE       PT_NOTE
#define GOHEAP_PF_X          PF_X
#define GOHEAP_PF_W          PF_W
#define GOHEAP_PF_R          PF_R
#define GOHEAP_SHT_PROGBITS  SHT_PROGBITS
#define GOHEAP_SHT_SYMTAB    SHT_SYMTAB
#define GOHEAP_SHT_NOTE      SHT_NOTE
#define GOHEAP_SHT_NOBITS    SHT_NOBITS
#define GOHEAP_SHT_RELA      SHT_RELA
#define GOHEAP_R_X86_64_RELATIVE R_X86_64_RELATIVE
#define GOHEAP_SHF_WRITE     SHF_WRITE
#define GOHEAP_SHF_ALLOC     SHF_ALLOC
#define GOHEAP_SHF_EXECINSTR SHF_EXECINSTR
#define GOHEAP_SHN_UNDEF     SHN_UNDEF
#define GOHEAP_STT_OBJECT    STT_OBJECT
#define GOHEAP_STT_FUNC      STT_FUNC

#endif /* GOHEAP_ELF64_H */
