# A 64 KiB BIOS image mapped at 0xF0000 (and below 4 GiB). Entry: reset vector 0xFFFF0.
        .code16
        .org 0
start16:
        cli
        xorw %ax, %ax
        movw %ax, %ds
        # Load the GDT (its descriptor is at cs-relative addr; CS base is 0xF0000)
        movw $0xf000, %ax
        movw %ax, %ds
        lgdtl gdtr
        movl %cr0, %eax
        orl $1, %eax
        movl %eax, %cr0
        ljmpl $0x08, $(0xf0000 + start32)
        .code32
start32:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        # Page tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD, one 2 MiB page)
        movl $0x1000, %edi
        xorl %eax, %eax
        movl $3072, %ecx
        rep stosl
        movl $0x2003, 0x1000
        movl $0x3003, 0x2000
        movl $0x0083, 0x3000
        movl $0x1000, %eax
        movl %eax, %cr3
        movl %cr4, %eax
        orl $0x20, %eax
        movl %eax, %cr4
        movl $0xc0000080, %ecx
        rdmsr
        orl $0x100, %eax
        wrmsr
        movl %cr0, %eax
        orl $0x80000000, %eax
        movl %eax, %cr0
        ljmpl $0x18, $(0xf0000 + start64)
        .code64
start64:
        movb $'L', %al
        movw $0x3f8, %dx
        outb %al, %dx
        movb $'\n', %al
        outb %al, %dx
        movb $0, %al
        outb %al, $0xf4
1:      hlt
        jmp 1b
        .align 8
gdt:
        .quad 0
        .quad 0x00cf9a000000ffff   # 0x08 code32
        .quad 0x00cf92000000ffff   # 0x10 data
        .quad 0x00af9a000000ffff   # 0x18 code64
gdtr:
        .word gdtr - gdt - 1
        .long 0xf0000 + gdt
        .org 0xfff0
        .code16
reset:
        ljmp $0xf000, $start16
        .org 0x10000
