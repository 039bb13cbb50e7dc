syscall::read:return
/arg0 / 1024 > 64 && (arg0 % 2) == 0/
{
	@big[execname] = count();
}
