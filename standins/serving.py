"""A stand-in (or our own app) served on 127.0.0.1 and an ephemeral port, in a thread, for as long
as a ``with`` block lasts. Subclasses set ``self.server`` (a socketserver-style server) first."""
import threading


class ServedInThread:
    def _serve(self, server, poll_interval: float = 0.05) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
