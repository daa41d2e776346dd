// Reads an iCalendar file the way Thunderbird does (Mozilla's ical.js) and prints its
// events as JSON, each start and end as the instant ical.js understood (UTC, ISO 8601),
// for tests/services/exchange/ical_readers.py to compare with what the database holds.
// Usage: node read_events.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
// A client registers the file's own time zone definitions before reading its times.
for (const definition of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(definition));
}
const instant = (time) => (time ? time.toJSDate().toISOString() : null);
const text = (component, name) => {
  const value = component.getFirstPropertyValue(name);
  return value === null ? null : String(value);
};
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    status: text(component, "status"),
    sequence: event.sequence,
    start: instant(event.startDate),
    end: instant(event.endDate),
    dtstamp: instant(component.getFirstPropertyValue("dtstamp")),
    last_modified: instant(component.getFirstPropertyValue("last-modified")),
  };
});
process.stdout.write(JSON.stringify(events));
