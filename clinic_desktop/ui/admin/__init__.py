"""The Administration tab: clinic settings, users, destinations, letterhead, timings and backups."""
