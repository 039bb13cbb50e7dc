BEGIN
{
	printf("tracing... hit Ctrl-C to end\n);
}

syscall:::entry { @[execname] = count(); }
