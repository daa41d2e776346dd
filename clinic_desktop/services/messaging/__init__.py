"""Messages that leave the clinic: e-mail through the clinic's own mail server, SMS through GOV.UK Notify.

The transports take the clinic settings and a message, send it, and return the provider's
id for it, or raise ``DeliveryFailed`` with the reason in words. Secrets (the mail user name
and password, the Notify API key) live in the OS keyring (``keyring_secrets``), never in the
database, so a backup or an export of the database never carries them. Reminders
(services/reminders) and the appointment confirmation build on ``send_email``/``send_sms``.
"""
