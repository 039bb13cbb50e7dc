syscall::write:entry
{
	@bytes[execname] = sum(arg2); // bytes requested
}
