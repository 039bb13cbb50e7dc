inline int LIMIT = 100;
int limit;

BEGIN { limit = 100; }

syscall::read:return
{
	@sizes = lquantize(arg0, 0, limit, 10);
}
