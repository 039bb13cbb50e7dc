syscall::read:return,
syscall::write:return
/arg0 > 0/
{
    @bytes[execname, probefunc] = sum(arg0);
}
