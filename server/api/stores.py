from flask.views import MethodView

from .. import service
from ..schemas import StoreRequestSchema, StoreResponseSchema
from .blueprint import ApiBlueprint
from .json_response import json_response

blp = ApiBlueprint("stores", __name__, url_prefix="/api/v1/stores", description="Store-level checks")


@blp.route("/evaluate")
class EvaluateStore(MethodView):
    @blp.arguments(StoreRequestSchema())
    @blp.response(200, StoreResponseSchema)
    def post(self, data):
        """Store checks: 48-hour pickup rate, daily risk, 618 admission, 满3免3 entry, required services."""
        return json_response(service.evaluate(data))
