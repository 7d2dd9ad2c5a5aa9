"""The demo page's at-a-glance chart: the orders to ship, by the hour their deadline falls in over
the next 48 hours, coloured by status, counted from the same results the badges show."""
from datetime import datetime, timedelta

from tests.support.browser import chromium, demo  # noqa: F401  (fixtures)

RESULTS_JS = """async () => {
  const sample = await (await fetch('/demo/sample-orders.json')).json();
  const asOf = document.getElementById('as-of').value + ':00+08:00';
  const reply = await (await fetch('/api/v1/orders/annotate', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({as_of: asOf, orders: sample.orders.map(e => e.order)})})).json();
  return {asOf: reply.as_of, results: reply.results};
}"""


def test_the_chart_counts_each_order_to_ship_in_the_hour_its_deadline_falls_in(demo):
    counts = demo.eval_on_selector("svg.demo-chart", "svg => JSON.parse(svg.dataset.demoChart)")
    data = demo.evaluate(RESULTS_JS)
    as_of = datetime.fromisoformat(data["asOf"])
    expected = [{"overdue": 0, "at_risk": 0, "pending": 0} for _ in range(49)]
    for result in data["results"]:
        ship = result["ship"]
        if not ship or ship["status"] not in ("overdue", "at_risk", "pending"):
            continue
        if ship["status"] == "overdue":
            expected[0]["overdue"] += 1
            continue
        hour = (datetime.fromisoformat(ship["deadline"]) - as_of) // timedelta(hours=1)
        if 0 <= hour < 48:
            expected[1 + hour][ship["status"]] += 1
    assert counts == expected
    assert counts[0]["overdue"] > 0 and sum(c["pending"] + c["at_risk"] for c in counts) > 0
    bars = demo.eval_on_selector_all("svg.demo-chart rect", "rs => rs.map(r => r.getAttribute('class'))")
    assert any("--overdue" in b for b in bars) and any("--pending" in b for b in bars)
    assert "48" in demo.text_content("svg.demo-chart")
    assert demo.problems == []


def test_each_bar_shows_its_count_above_it(demo):
    counts = demo.eval_on_selector("svg.demo-chart", "svg => JSON.parse(svg.dataset.demoChart)")
    labels = demo.eval_on_selector_all("svg.demo-chart .demo-chart__count", "ts => ts.map(t => t.textContent)")
    totals = [str(c["overdue"] + c["at_risk"] + c["pending"]) for c in counts if c["overdue"] + c["at_risk"] + c["pending"]]
    assert labels == totals and len(labels) > 3
