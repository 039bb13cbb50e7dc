syscall:::entry { @calls = count(); }

tick-1s
/@calls > 1000/
{
	printf("busy\n");
}
