from desktop_app.cli import run

run()
