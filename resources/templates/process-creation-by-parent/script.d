proc:::create
{
    @forks[execname] = count();
}
