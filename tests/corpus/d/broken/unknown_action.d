proc:::exec-success
{
	prinft("%d %s\n", pid, execname);
}
