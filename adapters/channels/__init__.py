"""Platform front ends, one package each of the same shape; base.py says what a channel offers."""
