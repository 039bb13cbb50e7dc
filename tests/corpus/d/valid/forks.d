proc:::create { @[execname] = count(); }
