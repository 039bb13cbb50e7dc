"""Tracing backends, one module per tracer."""
