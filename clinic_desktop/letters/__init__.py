"""Printed documents (referral letters), rendered with reportlab from plain data.

Nothing here imports peewee or Qt: a service gathers the facts into frozen dataclasses
and gets PDF bytes back, so a letter can be rendered and tested without a database.
"""
