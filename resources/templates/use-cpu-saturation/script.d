sched:::preempt
{
    @preempted[execname] = count();
}
