"""Appointments: booking, moving and recording reviews, the day's book and the free slots offered."""
