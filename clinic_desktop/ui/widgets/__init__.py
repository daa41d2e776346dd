"""Small widgets and helpers every view shares: tables, paged models, dialogs' layout, colours, dates."""
