profile-997
/pid != 0/
{
    @samples[execname] = count();
}
