#!/usr/sbin/dtrace -s
/*
 * opens.d - print each file opened, with the process that opened it.
 */
#pragma D option quiet

dtrace:::BEGIN
{
	printf("%-16s %s\n", "COMMAND", "PATH");
}

syscall::openat:entry
{
	printf("%-16s %s\n", execname, copyinstr(arg1));
}
