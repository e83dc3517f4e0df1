"""The client's address behind a reverse proxy, believed only from the proxies named in
TRUSTED_PROXIES.

Behind nginx every request comes from nginx's address, so per-client rate limits would put every
client in one bucket. nginx passes the client's address in X-Forwarded-For, but anyone can send
that header, so it is read only when the request comes from a trusted proxy. The list is read
from the right (the hop nearest to us): trusted proxies are skipped, and the first address that
is not one is the client. What a client wrote further left is never believed.
"""

from __future__ import annotations

import ipaddress

PEER = "skills_cert.proxy_peer"  # the environ key keeping the address that connected


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR and the URL scheme from a trusted proxy's forwarded headers."""

    def __init__(self, app, networks: tuple):
        self.app = app
        self.networks = networks

    def trusted(self, address) -> bool:
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str, forwarded: str) -> str:
        client = peer
        for hop in reversed(forwarded.split(",")):
            address = _address(hop)
            if address is None:  # not an address: nothing to its left can be believed either
                break
            client = str(address)
            if not self.trusted(address):
                break
        return client

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted(_address(peer)):
            environ[PEER] = peer
            environ["REMOTE_ADDR"] = self.client(peer, environ.get("HTTP_X_FORWARDED_FOR", ""))
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").rsplit(",", 1)[-1].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)
