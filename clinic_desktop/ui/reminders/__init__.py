"""The Reminders tab: reminders due, sent and failed, Send now and Retry (reception and the manager)."""
