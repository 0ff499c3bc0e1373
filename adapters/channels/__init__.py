"""Platform front ends: each turns its events into Messages and renders Replies (one package each)."""
