/**
 * The service worker (an ES module, as Chrome's samples do): one module per job, each
 * registering its own listeners when it loads.
 *   settings.js       the merchant's settings, cached, broadcast to pages on change
 *   api.js            every network call and the key (annotate, connection test)
 *   todo-store.js     the to-do list learnt from results (chrome.storage.local)
 *   notifications.js  alerts and the icon's count
 *   watched.js        the server's watched orders (jdpg watch) added to the to-do list
 *   alarms.js         the minute tick that reads them and checks alerts
 *   tab-summaries.js  each tab's last summary, for the popup
 *   router.js         the message router (who may send what)
 */
import "./settings.js";
import "./api.js";
import "./todo-store.js";
import "./notifications.js";
import "./watched.js";
import "./alarms.js";
import "./tab-summaries.js";
import "./router.js";
