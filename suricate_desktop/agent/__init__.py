"""Layer 1: the tracing agent and its backends (bpftrace, python-dtrace, dtrace(1), sampler)."""
