"""Layer 3: the Qt workbench; the only package that imports Qt."""
