/** The minute tick: the server's watched orders read (watched.js), then the to-do list turned into alerts (notifications.js). */
import { checkAlerts } from "./notifications.js";
import { syncWatched } from "./watched.js";

function tick() {
  syncWatched()
    .catch(() => {})
    .then(checkAlerts);
}

const ALARM = "jdpg-triage";
const ALARM_MINUTES = 1;

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) tick();
});

chrome.alarms.get(ALARM).then((alarm) => {
  if (!alarm) chrome.alarms.create(ALARM, { periodInMinutes: ALARM_MINUTES });
});

tick();
