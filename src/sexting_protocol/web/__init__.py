"""The browser front: `create_app()` is the ASGI application (`sexting-protocol web` serves it
on 127.0.0.1; a school can run it under its own ASGI server). Starlette is imported only when
the application is asked for, so the handout alone does not load it."""

from __future__ import annotations


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
