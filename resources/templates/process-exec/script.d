proc:::exec-success
{
    @execs[execname] = count();
}
