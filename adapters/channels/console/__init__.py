"""The terminal front end: a chat loop with rich rendering; alerts are printed."""
