"""Running the clinic: users, clinic settings, pathway timings and backups."""
