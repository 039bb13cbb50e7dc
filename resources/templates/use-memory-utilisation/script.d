syscall::mmap:entry
{
    @mapped_bytes[execname] = sum(arg1);
}

syscall::munmap:entry
{
    @unmapped_bytes[execname] = sum(arg1);
}
