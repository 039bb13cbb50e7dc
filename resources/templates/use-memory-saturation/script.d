vminfo:::as_fault
{
    @faults[execname] = sum(arg0);
}
