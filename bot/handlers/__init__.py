"""Intent handlers of the dialogue core, one module per feature."""
