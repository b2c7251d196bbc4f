"""`sexting-protocol web`: serve the application on 127.0.0.1 only, print the address once it
answers, open the browser, and stop on Ctrl-C (exit 130) or SIGTERM (exit 0)."""

from __future__ import annotations

import logging
import signal
import socket
import threading
from typing import Optional

from .env import Interrupted
from ..core.errors import UserError


def run(state, port: Optional[int], open_browser: bool, lang: str, as_json: bool = False) -> int:
    import uvicorn

    from ..web.app import create_app

    bundle = state.bundle()  # a bad data file is said before anything is served
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port or 0))
    except OSError as e:
        sock.close()
        raise UserError(state.t("SP889", port=port, error=e.strerror or e)) from None
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    # on this computer only: the page for the organisation's own contacts is on (a server a
    # school runs for others has it off unless its operator turns it on)
    app = create_app(bundle=bundle, lang=lang, allowed_hosts=[f"127.0.0.1:{port}", f"localhost:{port}"],
                     environ=state.env.environ, contacts_form=True,
                     sources={"protocol": state.protocol, "contacts": state.contacts, "layers": state.layers})

    # the access log: method, path and status only (security.Guard writes it); uvicorn's own is off.
    # Every line, uvicorn's warnings too, is escaped by the one filter (a path is a client's text);
    # the form parser's warnings about a malformed post are left out (the access line has its 400)
    from ..web.security import Escaped

    log = logging.getLogger("sexting_protocol.web")
    others = [logging.getLogger("uvicorn.error"), logging.getLogger("python_multipart")]
    parser_level = others[1].level
    handler = logging.StreamHandler(state.env.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(Escaped())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    for other in others:
        other.addHandler(handler)
    others[1].setLevel(logging.ERROR)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)

    def stop(signum, frame):
        server.should_exit = True

    old = signal.signal(signal.SIGTERM, stop) if threading.current_thread() is threading.main_thread() else None
    thread.start()
    try:
        while not server.started and thread.is_alive():
            thread.join(0.02)
        if not server.started:  # uvicorn has said why on stderr
            return 1
        if as_json:
            state.json({"url": url, "host": "127.0.0.1", "port": port, "language": lang})
        else:
            state.env.out(state.t("web_serving", url=url))
        state.env.stdout.flush()
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        while thread.is_alive():
            thread.join(0.2)
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C (the tool's handler raises Interrupted)
        server.should_exit = True
        thread.join(5)
        state.env.err(state.t("web_stopped"))
        return 130
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)
        log.removeHandler(handler)
        for other in others:
            other.removeHandler(handler)
        others[1].setLevel(parser_level)
        sock.close()
    state.env.err(state.t("web_stopped"))
    return 0
