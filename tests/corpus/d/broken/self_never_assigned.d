syscall::read:entry
{
	self->start = timestamp;
}

syscall::read:return
/self->ts/
{
	@lat = quantize(timestamp - self->ts);
}
