syscall::mmap:return
/errno == ENOMEM || errno == EAGAIN/
{
    @failed[execname, errno] = count();
}
