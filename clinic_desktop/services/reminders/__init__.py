"""Appointment reminders: who is owed one, sending each exactly once, and what was sent or failed.

A reminder goes N days before a booked appointment (a clinic setting), by SMS and/or e-mail,
only to a patient who consented to that channel and whose number or address is on record,
and says nothing clinical: the date, the time, the place and how to change it
(``reminder_text``). ``reminder_claims`` makes each send happen once across workstations;
``reminder_sending`` runs the sends (the Reminders page's "Send now", a retry, and
``clinic-desktop reminders send`` for a scheduled job); ``reminder_lists`` feeds the page.
"""
