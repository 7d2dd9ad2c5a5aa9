"""The watch: pulls each watched shop's open orders from JD's open platform (JOS) on a schedule, keeps
them in a store, runs the rules core on them and warns the team's group robot before an order goes
late. A client of the core (``shared``), like the export command; the web app only reads its store.
One shop's cycle is ``watch.cycle.run_shop_cycle`` (what a queue job calls)."""
