syscall:::entry
{
    @calls[execname] = count();
}
