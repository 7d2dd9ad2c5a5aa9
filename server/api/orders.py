from flask.views import MethodView

from ..runtime import collector_paused

from .. import service
from ..schemas import AnnotateRequestSchema, AnnotateResponseSchema, ApiErrorSchema
from .blueprint import ApiBlueprint
from .json_response import json_response

blp = ApiBlueprint("orders", __name__, url_prefix="/api/v1/orders", description="Per-order annotation")


@blp.route("/annotate")
class AnnotateOrders(MethodView):
    @blp.arguments(AnnotateRequestSchema())
    @blp.response(200, AnnotateResponseSchema)
    @blp.alt_response(413, schema=ApiErrorSchema, description="More orders than the batch limit, or a body over the size limit")
    def post(self, data):
        """Annotate orders: ship-by deadline and status, flags, compensation, per order.

        One result per order, in request order. A bad order gets field-level ``errors`` and
        the others are annotated as usual.
        """
        with collector_paused():  # until the results are written out and freed: nothing left to scan
            return json_response(service.annotate_orders(data))
