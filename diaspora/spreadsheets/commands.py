"""`flask import-people` and `flask export-people`."""


def register_spreadsheet_commands(app) -> None:
    """Attach the spreadsheet commands to the app's CLI."""
