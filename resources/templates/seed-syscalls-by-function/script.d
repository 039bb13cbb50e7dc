/* Seed one-liner: system calls by function (syscall count by syscall). */
syscall:::entry
{
    @num[probefunc] = count();
}
