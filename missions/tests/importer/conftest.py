"""Fixtures of the importer's tests: a loopback server that never finishes sending its file."""

import socket
import threading
from collections.abc import Iterator

import pytest


@pytest.fixture
def dripping_url() -> Iterator[str]:
    """The URL of a file of 1,000 bytes that a loopback server sends one byte a second, each well within a timeout."""
    stop = threading.Event()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def drip() -> None:
            """Answer one request with the headers and then a byte a second, until the test ends."""
            connection, _ = server.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                while not stop.wait(1):
                    try:
                        connection.sendall(b"x")
                    except OSError:  # the client went away
                        return

        thread = threading.Thread(target=drip, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.getsockname()[1]}/launches.csv"
        stop.set()
        # A test that never connected leaves the server waiting in accept: a connection of its own ends that wait.
        with socket.create_connection(server.getsockname(), timeout=1) as poke:
            poke.sendall(b"\r\n")
        thread.join(timeout=5)
