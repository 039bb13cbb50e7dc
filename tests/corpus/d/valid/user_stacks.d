profile-97 /pid == $target/ { @[ustack()] = count(); }
