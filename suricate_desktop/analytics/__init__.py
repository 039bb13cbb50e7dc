"""Layer 2: learned models of normal behaviour (scikit-learn)."""
