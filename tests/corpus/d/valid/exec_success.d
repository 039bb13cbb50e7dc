proc:::exec-success { printf("%d %s\n", pid, execname); }
