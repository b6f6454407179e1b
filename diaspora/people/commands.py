"""`flask demo-data` and `flask bench-search`."""


def register_people_commands(app) -> None:
    """Attach the people commands to the app's CLI."""
