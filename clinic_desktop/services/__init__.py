"""The clinic's operations as functions: each write is one transaction, checks permission and writes one audit event."""
