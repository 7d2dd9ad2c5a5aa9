from flask import current_app
from flask.views import MethodView

from .. import service
from shared.vocabulary import VOCAB

from ..schemas import CampaignsResponseSchema, HealthSchema, RulesResponseSchema, VocabularySchema
from .blueprint import ApiBlueprint
from .json_response import json_response

blp = ApiBlueprint("catalog", __name__, url_prefix="/api/v1", description="Campaign calendars and the rule catalog")
health_blp = ApiBlueprint("health", __name__, description="Liveness")


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.response(200, CampaignsResponseSchema)
    def get(self):
        """The campaign calendars in force (windows, 96 h days, thresholds, sources and assumptions)."""
        return json_response({"campaigns": service.engine().calendar.to_list()})


@blp.route("/rules")
class Rules(MethodView):
    @blp.response(200, RulesResponseSchema)
    def get(self):
        """The rule catalog: id, titles in Chinese and English, source, effective dates, parameters."""
        return json_response(service.engine().catalog.to_dict())


@blp.route("/vocabulary")
class Vocabulary(MethodView):
    @blp.response(200, VocabularySchema)
    def get(self):
        """The words clients show (shared/data/vocabulary.toml): rule titles, flag labels and badge groups,
        ship and row statuses with colours, deadline and fact labels, JD status words, the column prefix;
        ``values.campaign`` names the campaigns in force, own campaign folders included."""
        campaigns = {c.id: {"zh": c.title, "en": c.title_en} for c in service.engine().calendar.campaigns.values()}
        return json_response({**VOCAB, "values": {**VOCAB["values"], "campaign": campaigns}})


@health_blp.route("/healthz")
class Health(MethodView):
    @health_blp.response(200, HealthSchema)
    def get(self):
        """Liveness."""
        engine = service.engine()
        body = {"status": "ok", "rules_version": engine.catalog.version, "campaigns": len(engine.calendar.campaigns)}
        settings = current_app.extensions.get("jdpg.watch_settings")
        if settings is not None and settings.queue_url:
            from watch.queue import queue_health
            try:
                body["queue"] = queue_health(settings.queue_url)
            except Exception as exc:  # noqa: BLE001 - an unreachable Redis is reported, never a 500
                body["queue"] = {"error": f"队列不可用 queue unreachable ({type(exc).__name__})"}
        return json_response(body)
