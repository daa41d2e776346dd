"""The application around the views: sign-in, the main window and its tabs, the idle lock, the change hub."""
