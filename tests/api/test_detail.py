"""options.detail on the real API: "full" (the default) is contract v1; "lean" leaves the words."""
import requests

from shared.messages import sentences

AS_OF = "2022-06-20T12:00:00+08:00"
ORDERS = [{"order_id": "1", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00",
           "picked_up_at": "2022-06-20 11:00:00", "subsidy_activity": "百亿补贴", "subsidy_amount": "12.50"},
          {"order_id": "2", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "received_at": "2022-06-15 10:00:00"},
          {"order_id": "3", "platform": "jd", "paid_at": "31/02/2022"}]


def annotate(base, **options):
    body = {"as_of": AS_OF, "orders": ORDERS, **({"options": options} if options else {})}
    return requests.post(base + "/api/v1/orders/annotate", json=body, timeout=10)


def _items(result):
    return (result["flags"] + result["compensation"]["items"] + result["losses"]["items"]
            + list(result["skipped_reasons"].values()))


def test_full_is_the_default_and_lean_renders_to_it(live_api):
    default, full, lean = (annotate(live_api).json(), annotate(live_api, detail="full").json(),
                           annotate(live_api, detail="lean").json())
    assert default == full
    assert len(lean["results"]) == 3 and lean["summary"] == full["summary"]
    said = 0
    for f, l in zip(full["results"], lean["results"]):
        for f_item, l_item in zip(_items(f), _items(l)):
            assert "message" not in l_item and "message_en" not in l_item
            assert sentences(l_item.pop("words")) == (f_item.pop("message"), f_item.pop("message_en"))
            said += 1
        assert f == l  # nothing else differs
    assert said >= 6


def test_lean_answers_are_smaller(live_api):
    assert len(annotate(live_api, detail="lean").content) < len(annotate(live_api).content)


def test_an_unknown_detail_is_a_clear_422(live_api):
    response = annotate(live_api, detail="short")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and "detail" in str(error["details"])


def test_rows_keep_their_sentences_whatever_the_detail(live_api):
    body = {"as_of": AS_OF, "header": ["订单号", "付款确认时间", "揽收时间"],
            "rows": [["1", "2022-06-01 10:00:00", "2022-06-05 11:00:00"]], "options": {"detail": "lean"}}
    lean = requests.post(live_api + "/api/v1/rows/annotate", json=body, timeout=10).json()
    del body["options"]
    assert lean == requests.post(live_api + "/api/v1/rows/annotate", json=body, timeout=10).json()
    assert "超时发货" in str(lean["rows"])
