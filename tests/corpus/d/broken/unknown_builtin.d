syscall:::entry
{
	@[exename] = count();
}
