"""The hello-world Flask app the screening app is measured against, served by the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    return "Hello, World!"
