"""The home tab: each user's worklists, the manager's open work, and the actions on their rows."""
