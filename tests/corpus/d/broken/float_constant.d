syscall::read:return
/arg0 > 1.5/
{
	@[execname] = count();
}
