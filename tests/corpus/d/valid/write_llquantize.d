syscall::write:entry
{
	@bytes = llquantize(arg2, 10, 0, 6, 20);
}
