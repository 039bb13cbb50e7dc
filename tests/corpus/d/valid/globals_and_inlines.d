inline int TOP = 10;
int total;
self int depth;

syscall:::entry
{
	total++;
	self->depth++;
	@calls[probefunc] = count();
}

syscall:::return
/self->depth > 0/
{
	self->depth--;
}

END
{
	printf("%d system calls\n", total);
	trunc(@calls, TOP);
	printa(@calls);
}
