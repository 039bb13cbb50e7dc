"""Layer 3: the ``suricate`` command line."""
