#pragma D option quiet

/* read(2) latency by process, in nanoseconds */
syscall::read:entry
{
	self->ts = timestamp;
}

syscall::read:return
/self->ts/
{
	@lat[execname] = quantize(timestamp - self->ts);
	self->ts = 0;
}

tick-10s
{
	printa("%-16s %@d\n", @lat);
	exit(0);
}
