mib:::tcpOutRsts,
mib:::tcpAttemptFails
{
    @errors[probename] = sum(arg0);
}
