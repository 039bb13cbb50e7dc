syscall::read:entry
{
	@reads[execname] = count();

tick-1s
{
	printa(@reads);
