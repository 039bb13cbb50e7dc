syscall::read:entry
/execname == "sshd")/
{
	@[probefunc] = count();
}
