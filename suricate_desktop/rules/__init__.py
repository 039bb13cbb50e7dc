"""Layer 2: rules that map deviations to actions."""
