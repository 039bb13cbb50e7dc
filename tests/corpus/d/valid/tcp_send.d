tcp:::send
{
	@bytes[args[2]->ip_daddr] = sum(args[2]->ip_plength);
}
