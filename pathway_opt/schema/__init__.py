"""The instance format: entities, the instance, cross-entity checks, numeric ranges."""
