"""Every write of the fact-checking domain; views, API, admin, commands and tasks call these."""
