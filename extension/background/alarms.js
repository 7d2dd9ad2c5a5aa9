/** The minute tick that turns the to-do list into alerts (notifications.js). */
import { checkAlerts } from "./notifications.js";

const ALARM = "jdpg-triage";
const ALARM_MINUTES = 1;

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) checkAlerts();
});

chrome.alarms.get(ALARM).then((alarm) => {
  if (!alarm) chrome.alarms.create(ALARM, { periodInMinutes: ALARM_MINUTES });
});
