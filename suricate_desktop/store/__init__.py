"""Layer 1: the desk's data: live numpy buffers, Parquet recordings, replay."""
