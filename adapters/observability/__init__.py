"""Logs and metrics for every running process."""
