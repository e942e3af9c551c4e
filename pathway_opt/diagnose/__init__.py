"""Why there is no plan: conflicts, the elastic model, the smallest repairs."""
