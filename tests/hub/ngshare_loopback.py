"""Run ngshare as a hub-managed service bound to 127.0.0.1 (run with ngshare's own Python).

ngshare 0.6.0 listens on every interface ("Must listen on all interfaces for proxy"), which is
right in its Kubernetes pod; on one machine the proxy reaches it on loopback, so the test narrows
the bind address and changes nothing else.
"""

import sys

from tornado.httpserver import HTTPServer

_listen = HTTPServer.listen


def _loopback_listen(self, port, address="", *args, **kwargs):
    return _listen(self, port, "127.0.0.1", *args, **kwargs)


HTTPServer.listen = _loopback_listen

from ngshare.ngshare import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
