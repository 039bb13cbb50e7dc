profile-99
/pid != 0/
{
    @busy_samples[cpu] = count();
}
