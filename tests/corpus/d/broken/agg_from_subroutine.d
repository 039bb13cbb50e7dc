syscall::openat:entry
{
	@paths[execname] = strlen(copyinstr(arg1));
}
