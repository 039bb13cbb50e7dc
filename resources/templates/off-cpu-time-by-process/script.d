sched:::off-cpu
/pid != 0/
{
    self->off = timestamp;
}

sched:::on-cpu
/self->off/
{
    @offcpu_ns[execname] = sum(timestamp - self->off);
    self->off = 0;
}
