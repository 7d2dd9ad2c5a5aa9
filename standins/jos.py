"""A local stand-in of JD's open platform (JOS) over real HTTP: the gateway ``/routerjson`` with
``jingdong.pop.order.enSearch`` and ``jingdong.pop.order.enGet``, and the OAuth endpoints.

Built from the public JOS SDKs (request parameters: XiBao/jos
``sdk/request/order/popOrderEnSearch.go``, zeasin/qihangerp-sdk ``JdOrderApiHelper.java``; response
structs: XiBao/jos ``api/order/popOrderEnSearch.go``, ``popOrderEnGet.go``; OAuth: XiBao/jos
``GetOauthURL``/``GetAccessTokenNew``). Like the gateway it checks, in order: the app key, the
method, the signature (MD5 of secret + sorted name/value pairs + secret), the timestamp (Beijing
time, ±6 minutes), the access token; then the API's own limits: ``optional_fields`` required, page
size at most 50, a window of at most one month. It answers ``error_response {code, zh_desc,
en_desc}`` for gateway refusals and ``apiResult {success: false, …}`` for an API's. Orders carry
the fields of docs/supported-inputs.md ("JOS order payloads"), ``consigneeInfo`` (encrypted
text) included, so a test can see that a client never asks for it.

Faults on demand: ``force(code, times)`` answers ``error_response`` ``code`` (2, 8, 12, 19…) for
the next ``times`` gateway calls; ``http_errors`` answers that many HTTP 502s; ``delay`` slows
every gateway answer; ``clock`` is the
stand-in's own time (a test moves it). ``most_in_flight`` counts, per app key, the most gateway calls
answered at once (JD limits an app's concurrent calls). Every request's parameters are kept in ``requests``.
"""
import calendar
import functools
import hashlib
import json
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from shared.beijing_time import BEIJING

from .serving import ServedInThread

APP_KEY = "8F2A4C1D9E7B6A5C3D2E1F0A9B8C7D6E"
APP_SECRET = "5b1c9d3e7f2a4b6c8d0e1f3a5b7c9d1e"
SKEW = timedelta(minutes=6)
MAX_PAGE_SIZE = 50
TOKEN_LIFETIME = 31535999  # seconds, as JD's token answers give (XiBao/jos GetAccessTokenNew)
METHODS = ("jingdong.pop.order.enSearch", "jingdong.pop.order.enGet")
NOT_SET = "0001-01-01 00:00:00"
FORMAT = "%Y-%m-%d %H:%M:%S"
# Gateway refusals: code → (zh_desc, en_desc).
GATEWAY_ERRORS = {
    "2": ("应用调用次数已超过限制", "The app call limit has been exceeded"),
    "8": ("无效的时间戳", "Invalid Timestamp"),
    "12": ("无效签名", "Invalid Signature"),
    "14": ("无效的方法", "Invalid Method"),
    "15": ("无效的app_key", "Invalid app_key"),
    "19": ("Token已过期，请重新授权", "Invalid access_token, the token has expired"),
}
SHIPPED_STATES = ("WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L")


@functools.lru_cache(maxsize=100_000)
def _placed(text: str) -> datetime:
    """An order's orderStartTime, parsed once (a search reads every order of the shop per page)."""
    return datetime.strptime(text, FORMAT)


def sign(secret: str, params: dict) -> str:
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign") + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def make_order(order_id: str, placed: datetime, *, state: str = "WAIT_SELLER_STOCK_OUT", vender: str = "10001",
               payment: str = "199.00", sku: str = "100012043978", quantity: int = 1) -> dict:
    """One ``orderInfoList`` element with the fields docs/supported-inputs.md lists (times as JD writes them)."""
    paid = (placed + timedelta(minutes=2)).strftime(FORMAT)
    return {
        "orderId": order_id, "venderId": vender, "orderType": "22", "orderState": state,
        "orderStateRemark": "等待出库" if state == "WAIT_SELLER_STOCK_OUT" else state, "payType": "4-在线支付",
        "orderStartTime": placed.strftime(FORMAT), "paymentConfirmTime": paid, "modified": paid,
        "orderEndTime": "", "outBoundDate": NOT_SET, "orderTotalPrice": payment, "orderSellerPrice": payment,
        "orderPayment": payment, "freightPrice": "0.00", "sellerDiscount": "0.00", "balanceUsed": "0.00",
        "itemInfoList": [{"skuId": sku, "outerSkuId": "", "wareId": "10001", "skuName": "示例商品 sample item",
                          "jdPrice": payment, "itemTotal": str(quantity)}],
        "couponDetailList": [], "waybill": "", "logisticsId": "", "storeOrder": "", "idSopShipmenttype": "",
        "parentOrderId": "0", "orderSource": "移动端订单", "venderRemark": "",
        "consigneeInfo": {"fullname": "~AgAAAA1Xy4Qh2k3J~", "mobile": "~AgAAAA9Lm2PqR7s~",
                          "fullAddress": "~AgAAABk8Zx0Yw1Vu~"},
    }


class Shop:
    """A shop as the stand-in knows it: its vender id and orders (id → element)."""

    def __init__(self, vender: str):
        self.vender = vender
        self.orders: dict[str, dict] = {}

    def ship(self, order_id: str, at: datetime) -> None:
        order = self.orders[order_id]
        order.update(orderState="WAIT_GOODS_RECEIVE_CONFIRM", orderStateRemark="等待确认收货",
                     outBoundDate=at.strftime(FORMAT), modified=at.strftime(FORMAT))

    def cancel(self, order_id: str, at: datetime) -> None:
        self.orders[order_id].update(orderState="TRADE_CANCELED", orderStateRemark="已取消",
                                     modified=at.strftime(FORMAT))


class JosStandin(ServedInThread):
    def __init__(self, app_key: str = APP_KEY, app_secret: str = APP_SECRET, clock=None, host: str = "127.0.0.1"):
        self.host = host  # 127.0.0.1, or an address other hosts (network namespaces) reach
        self.apps = {app_key: app_secret}
        self.clock = clock or (lambda: datetime.now(BEIJING))
        self.tokens: dict[str, tuple[Shop, datetime]] = {}   # access token → (shop, expiry)
        self.refresh_tokens: dict[str, Shop] = {}
        self.codes: dict[str, Shop] = {}                        # authorisation code → shop
        self.shops: dict[str, Shop] = {}                        # vender id → shop
        self.requests: list[dict] = []
        self.forced: list[str] = []
        self.http_errors = 0
        self.delay = 0.0  # seconds each gateway answer waits (a test kills a client meanwhile)
        self.busy = 0.0   # seconds spent answering (bench/watch.py says the stand-in's share)
        self.in_flight: dict[str, int] = {}       # app key → gateway calls being answered now
        self.most_in_flight: dict[str, int] = {}  # app key → the most answered at once
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as JD's gateway

            def setup(self):
                super().setup()
                # headers and body go out as two writes: without this, Nagle's algorithm and the
                # client's delayed ACK hold each answer ~40 ms, a stand-in's cost, not JD's.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _params(self) -> tuple[str, dict]:
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    form = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                    params.update({k: v[0] for k, v in form.items()})
                return parts.path, params

            def do_GET(self):
                self._answer(*self._params())

            def do_POST(self):
                self._answer(*self._params())

            def _answer(self, path, params):
                app = params.get("app_key", "") if path == "/routerjson" else None
                if app is not None:
                    with standin.lock:
                        standin.in_flight[app] = standin.in_flight.get(app, 0) + 1
                        standin.most_in_flight[app] = max(standin.most_in_flight.get(app, 0), standin.in_flight[app])
                try:
                    if standin.delay and app is not None:
                        time.sleep(standin.delay)
                    started = time.perf_counter()
                    try:
                        self._reply(path, params)
                    finally:
                        standin.busy += time.perf_counter() - started
                finally:
                    if app is not None:
                        with standin.lock:
                            standin.in_flight[app] -= 1

            def _reply(self, path, params):
                with standin.lock:
                    standin.requests.append({"path": path, **params})
                    if standin.http_errors:
                        standin.http_errors -= 1
                        return self._send(502, b"<html>502 Bad Gateway</html>", "text/html")
                    status, body, location = standin.route(path, params)
                if location:
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json;charset=utf-8")

            def _send(self, status, raw, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self._serve(ThreadingHTTPServer((host, 0), Handler))

    # set-up helpers for tests and the demo
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server.server_port}"

    @property
    def gateway(self) -> str:
        return f"{self.url}/routerjson"

    def shop(self, vender: str = "10001") -> Shop:
        return self.shops.setdefault(vender, Shop(vender))

    def issue_token(self, shop: Shop, lifetime: timedelta = timedelta(seconds=TOKEN_LIFETIME)) -> tuple[str, str]:
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self.tokens[access] = (shop, self.clock() + lifetime)
        self.refresh_tokens[refresh] = shop
        return access, refresh

    def force(self, code: str, times: int = 1) -> None:
        self.forced += [str(code)] * times

    def gateway_calls(self, method: str | None = None) -> list[dict]:
        return [r for r in self.requests if r["path"] == "/routerjson" and (method is None or r.get("method") == method)]

    # routing
    def route(self, path: str, params: dict):
        if path == "/routerjson":
            return 200, self.gateway_answer(params), None
        if path == "/oauth2/to_login":
            return self.to_login(params)
        if path in ("/oauth2/access_token", "/oauth2/refresh_token"):
            return 200, self.token_answer(path, params), None
        return 404, {"error": "not found"}, None

    @staticmethod
    def refusal(code: str) -> dict:
        zh, en = GATEWAY_ERRORS[code]
        return {"error_response": {"code": code, "zh_desc": zh, "en_desc": en}}

    def gateway_answer(self, params: dict) -> dict:
        secret = self.apps.get(params.get("app_key", ""))
        if secret is None:
            return self.refusal("15")
        if params.get("method") not in METHODS:
            return self.refusal("14")
        if params.get("v") != "2.0" or not params.get("sign") or sign(secret, params) != params["sign"]:
            return self.refusal("12")
        try:
            sent = datetime.strptime(params.get("timestamp", ""), FORMAT).replace(tzinfo=BEIJING)
        except ValueError:
            return self.refusal("8")
        if abs(sent - self.clock()) > SKEW:
            return self.refusal("8")
        if self.forced:
            return self.refusal(self.forced.pop(0))
        token = self.tokens.get(params.get("access_token", ""))
        if token is None or token[1] <= self.clock():
            return self.refusal("19")
        try:
            business = json.loads(params.get("360buy_param_json", ""))
        except ValueError:
            business = None
        if not isinstance(business, dict):
            return self.api_failure(params["method"], "360buy_param_json is not a JSON object")
        if params["method"] == METHODS[0]:
            return self.en_search(token[0], business)
        return self.en_get(token[0], business)

    @staticmethod
    def api_failure(method: str, english: str) -> dict:
        node = "searchorderinfo_result" if method.endswith("enSearch") else "orderDetailInfo"
        return {f"{method.replace('.', '_')}_responce": {"code": "0", node: {"apiResult": {
            "success": False, "englishErrCode": english, "chineseErrCode": "参数错误 " + english, "numberCode": 10100001}}}}

    @staticmethod
    def _fields(business: dict):
        fields = [f for f in str(business.get("optional_fields", "")).split(",") if f]
        return fields or None

    @staticmethod
    def _pick(order: dict, fields: list) -> dict:
        return {k: order[k] for k in fields if k in order}

    def en_search(self, shop: Shop, business: dict) -> dict:
        method = METHODS[0]
        fields = self._fields(business)
        if fields is None:
            return self.api_failure(method, "optional_fields is required")
        try:
            start = datetime.strptime(business["start_date"], FORMAT)
            end = datetime.strptime(business["end_date"], FORMAT)
            page, size = int(business.get("page", 1)), int(business.get("page_size", 20))
        except (KeyError, ValueError, TypeError):
            return self.api_failure(method, "start_date, end_date, page and page_size must be given")
        if size < 1 or size > MAX_PAGE_SIZE:
            return self.api_failure(method, f"page_size must be 1-{MAX_PAGE_SIZE}")
        if page < 1:
            return self.api_failure(method, "page must be at least 1")
        year, month = start.year + start.month // 12, start.month % 12 + 1
        month_later = start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))
        if end < start or end > month_later:
            return self.api_failure(method, "the time between start_date and end_date must be at most one month")
        states = {s.strip() for s in str(business.get("order_state", "")).split(",") if s.strip()}
        chosen = sorted((o for o in shop.orders.values()
                         if (not states or o["orderState"] in states)
                         and start <= _placed(o["orderStartTime"]) <= end),
                        key=lambda o: (o["orderStartTime"], o["orderId"]))
        rows = chosen[(page - 1) * size: page * size]
        return {"jingdong_pop_order_enSearch_responce": {"code": "0", "searchorderinfo_result": {
            "orderTotal": len(chosen), "orderInfoList": [self._pick(o, fields) for o in rows],
            "apiResult": {"success": True, "englishErrCode": "", "chineseErrCode": "", "numberCode": 0}}}}

    def en_get(self, shop: Shop, business: dict) -> dict:
        method = METHODS[1]
        fields = self._fields(business)
        if fields is None:
            return self.api_failure(method, "optional_fields is required")
        order = shop.orders.get(str(business.get("order_id", "")))
        if order is None:
            return self.api_failure(method, "order not found")
        return {"jingdong_pop_order_enGet_responce": {"code": "0", "orderDetailInfo": {
            "orderInfo": self._pick(order, fields),
            "apiResult": {"success": True, "englishErrCode": "", "chineseErrCode": "", "numberCode": 0}}}}

    # OAuth: the merchant's approval is simulated by redirecting at once with a code for ``vender``.
    def to_login(self, params: dict):
        if params.get("app_key") not in self.apps or params.get("response_type") != "code" or not params.get("redirect_uri"):
            return 400, {"code": 1, "msg": "invalid request"}, None
        code = secrets.token_hex(8)
        self.codes[code] = self.shop(params.get("vender", "10001"))
        query = urlencode({"code": code, "state": params.get("state", "")})
        return 302, None, f"{params['redirect_uri']}?{query}"

    def token_answer(self, path: str, params: dict) -> dict:
        if self.apps.get(params.get("app_key", "")) != params.get("app_secret"):
            return {"code": 401, "msg": "app_key or app_secret is invalid"}
        if path.endswith("access_token"):
            shop = self.codes.pop(params.get("code", ""), None) if params.get("grant_type") == "authorization_code" else None
        else:
            shop = self.refresh_tokens.pop(params.get("refresh_token", ""), None) \
                if params.get("grant_type") == "refresh_token" else None
        if shop is None:
            return {"code": 402, "msg": "code or refresh_token is invalid or used"}
        access, refresh = self.issue_token(shop)
        return {"code": 0, "access_token": access, "expires_in": TOKEN_LIFETIME, "refresh_token": refresh,
                "scope": "snsapi_base", "open_id": f"open-{shop.vender}", "uid": shop.vender,
                "time": int(self.clock().timestamp() * 1000), "token_type": "bearer"}
