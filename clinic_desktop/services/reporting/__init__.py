"""The practice manager's figures: the dashboard, the pathway measures and their exports."""
