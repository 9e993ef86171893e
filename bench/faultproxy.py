"""A TCP proxy that a drill can cut and restore: the service behind it stays up, the application loses it.

proxy = FaultProxy(6379); proxy.start()     # forwards 127.0.0.1:<proxy.port> → 127.0.0.1:6379
proxy.cut()                                 # refuses new connections and drops the open ones
proxy.restore()
"""

import contextlib
import socket
import threading


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.up = False

    def start(self) -> "FaultProxy":
        self._listen()
        return self

    def cut(self) -> None:
        """The service is gone: the listening socket closes (connection refused) and every open pair is reset."""
        with self._lock:
            self.up = False
            listener, self._listener = self._listener, None
            pairs, self._open = self._open, set()
        if listener is not None:
            listener.close()
        for sock in pairs:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.close()

    def restore(self) -> None:
        self._listen()

    def stop(self) -> None:
        self.cut()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener, self.up = listener, True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if not self.up:
                    client.close()
                    server.close()
                    continue
                self._open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._open -= {source, sink}
