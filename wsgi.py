"""Entry point for `flask --app wsgi` and WSGI servers."""
from diaspora import create_app

app = create_app()
