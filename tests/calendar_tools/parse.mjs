// Parse iCalendar files with ical.js (Mozilla's parser, as in Thunderbird) and print
// what a client would see, as JSON: one entry per file, in argument order.
//   node tests/calendar_tools/parse.mjs a.ics [b.ics ...]
// Each VTIMEZONE in a file is registered with ICAL.TimezoneService before its events
// are read, as Thunderbird does; a TZID with no VTIMEZONE then shows up as "floating".
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function timeOf(time) {
  if (!time) return null;
  return {
    zone: time.zone ? time.zone.tzid : null,
    local: time.toString(),
    utc: time.toJSDate().toISOString(),
    isDate: time.isDate,
  };
}

// The first starts (UTC) a client shows for a recurring event, after its EXDATEs; at
// most 20, so an endless rule stays readable. Null for a single event.
function occurrencesOf(event) {
  if (!event.isRecurring()) return null;
  const iterator = event.iterator();
  const starts = [];
  for (let next = iterator.next(); next && starts.length < 20; next = iterator.next()) {
    starts.push(next.toJSDate().toISOString());
  }
  return starts;
}

function parseFile(path) {
  const text = readFileSync(path, "utf8");
  const root = new ICAL.Component(ICAL.parse(text));
  const timezones = root.getAllSubcomponents("vtimezone").map((vtz) => {
    const tz = new ICAL.Timezone(vtz);
    ICAL.TimezoneService.register(tz);
    return tz.tzid;
  });
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const stamp = vevent.getFirstPropertyValue("dtstamp");
    const modified = vevent.getFirstPropertyValue("last-modified");
    const start = vevent.getFirstProperty("dtstart");
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
      location: event.location,
      description: event.description,
      url: vevent.getFirstPropertyValue("url"),
      organizer: vevent.getFirstPropertyValue("organizer"),
      tzidParam: start ? start.getParameter("tzid") || null : null,
      start: timeOf(event.startDate),
      end: timeOf(event.endDate),
      dtstamp: stamp ? stamp.toJSDate().toISOString() : null,
      lastModified: modified ? modified.toJSDate().toISOString() : null,
      recurring: event.isRecurring(),
      occurrences: occurrencesOf(event),
    };
  });
  return {
    version: root.getFirstPropertyValue("version"),
    prodid: root.getFirstPropertyValue("prodid"),
    method: root.getFirstPropertyValue("method"),
    name: root.getFirstPropertyValue("x-wr-calname"),
    timezones,
    events,
  };
}

const results = process.argv.slice(2).map(parseFile);
process.stdout.write(JSON.stringify(results));
