"""One way for a window to run a service: busy state, refusals in words, work off the UI thread, what changed."""
