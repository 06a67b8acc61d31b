"""Every write of the editorial workflow: the one way in for the API, the admin and commands."""
