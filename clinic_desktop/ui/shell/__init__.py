"""The application around the views: sign-in, the main window with its tabs and menus, the one
table of actions every menu, toolbar and list makes its QActions from, the idle lock, the change hub."""
