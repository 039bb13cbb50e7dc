#pragma D option quiet
#pragma D option bufsize=8m
#pragma D option aggsize=4m
#pragma D option switchrate=10hz
#pragma D option bufpolicy=ring

sched:::on-cpu
{
	self->on = timestamp;
}

sched:::off-cpu
/self->on/
{
	this->delta = (timestamp - self->on) / 1000;
	@oncpu[execname] = sum(this->delta);
	@avg_us[execname] = avg(this->delta);
	@max_us[execname] = max(this->delta);
	@min_us[execname] = min(this->delta);
	@dev_us[execname] = stddev(this->delta);
	self->on = 0;
}

dtrace:::END
{
	printa("%-16s %@12d us\n", @oncpu);
}
