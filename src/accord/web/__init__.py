"""The web app behind ``accord serve``: pages to edit and run scenarios, and a JSON API.

Usage::

    from accord.web import create_app

    app = create_app(store_url="runs.db")  # then: uvicorn.run(app, host="127.0.0.1")

It needs the ``web`` extra (FastAPI, uvicorn, Jinja2, python-multipart); see ``docs/web.md``.
"""

from accord.web.app import create_app

__all__ = ["create_app"]
