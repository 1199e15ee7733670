"""The yardstick of bench/pages.py: a bare Flask app whose one route answers "ok", served by
gunicorn with the same settings as the portal (`gunicorn --pythonpath bench bare_app:app`).
Running this file does nothing."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
