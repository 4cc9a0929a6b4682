"""Independent book generators (data we did not make with the demo's propensity)."""
