io:::start
{
	@bytes[args[1]->dev_statname] = sum(args[0]->b_bcount);
}

tick-5s
{
	trunc(@bytes, 10);
	normalize(@bytes, 1024);
	printa("%-12s %@d KB\n", @bytes);
	clear(@bytes);
}
