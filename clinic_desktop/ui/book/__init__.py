"""The appointment book and the booking dialog."""
