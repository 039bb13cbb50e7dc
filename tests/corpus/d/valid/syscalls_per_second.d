syscall:::entry { @n = count(); } tick-1s { printa(@n); clear(@n); }
