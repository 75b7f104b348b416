"""CSV from Datasette starts with a UTF-8 byte order mark, so Excel reads the Chinese.

Datasette 0.65 has no setting for this; an ``asgi_wrapper`` adds the three
bytes to the body of every successful ``.csv`` response (table, row or query).
"""

from __future__ import annotations

from typing import Any

BOM = "\ufeff".encode()


def add_csv_bom(app: Any) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
            await app(scope, receive, send)
            return
        state = {"csv": False, "done": False}

        async def send_with_bom(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers") or []}
                content_type = headers.get(b"content-type", b"").decode("latin-1")
                state["csv"] = message.get("status") == 200 and content_type.startswith(
                    ("text/csv", "text/plain")
                )
                if state["csv"] and b"content-length" in headers:
                    length = int(headers[b"content-length"]) + len(BOM)
                    message = {
                        **message,
                        "headers": [
                            (k, str(length).encode() if k.lower() == b"content-length" else v)
                            for k, v in message.get("headers") or []
                        ],
                    }
            elif message["type"] == "http.response.body" and state["csv"] and not state["done"]:
                state["done"] = True
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        await app(scope, receive, send_with_bom)

    return wrapped
