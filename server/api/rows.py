from flask.views import MethodView

from ..runtime import collector_paused

from .. import service
from ..schemas import ApiErrorSchema, RowsRequestSchema, RowsResponseSchema
from .blueprint import ApiBlueprint
from .json_response import json_response

blp = ApiBlueprint("rows", __name__, url_prefix="/api/v1/rows", description="Spreadsheet / export rows")


@blp.route("/annotate")
class AnnotateRows(MethodView):
    @blp.arguments(RowsRequestSchema())
    @blp.response(200, RowsResponseSchema)
    @blp.alt_response(422, schema=ApiErrorSchema, description="A header with no order-id column (code unmapped_header)")
    def post(self, data):
        """Annotate a header row plus rows, as a sheet or JD export holds them.

        Chinese export headers (订单号, 付款确认时间, 应付金额…) or contract names. Returns one
        annotation row per input row, in order; every SKU line of an order carries its result.
        """
        with collector_paused():  # until the results are written out and freed: nothing left to scan
            return json_response(service.annotate_rows(data))
