"""Fast JSON responses for large batches (orjson); the schemas document their shape."""
import orjson
from flask import Response


def json_response(data, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status=status, mimetype="application/json")
