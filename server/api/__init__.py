"""The v1 blueprints: one per resource."""
