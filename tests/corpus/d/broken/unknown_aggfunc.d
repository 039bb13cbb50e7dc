syscall:::entry
{
	@calls[probefunc] = cnt();
}
