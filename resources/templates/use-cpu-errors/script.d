proc:::signal-send
/args[2] == SIGILL || args[2] == SIGFPE || args[2] == SIGBUS || args[2] == SIGSEGV/
{
    @faults[args[1]->pr_fname, args[2]] = count();
}
