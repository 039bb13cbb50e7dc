mib:::tcpRetransSegs
{
    @retransmits = sum(arg0);
}
