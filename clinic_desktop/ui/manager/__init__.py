"""The practice manager's views: the dashboard, its charts, the audit trail, saving reports."""
