// The timeline page: reads this app's own JSON API (/rules, /articles, /timeline, POST /explain) and draws it.
// Every text from the data goes into the page as text (textContent, text nodes), never as markup.
"use strict";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const DAY_MS = 86400000;
const articles = new Map();   // article id -> {title, source, published, url}
const typeClass = new Map();  // event type -> CSS class t0, t1, ...

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === "") continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

async function getJSON(url) {
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || body.title || String(response.status));
  return body;
}

async function allPages(url, key) {
  const found = [];
  for (let next = url; next; ) {
    const page = await getJSON(next);
    found.push(...page[key]);
    next = page.next ? page.next.replace(/^\//, "") : null;  // links are root-relative; the page may sit under a prefix
  }
  return found;
}

// --- dates --------------------------------------------------------------------------------------

function parseDay(text) { return new Date(text + "T00:00:00Z"); }

function showDay(text) {
  const d = parseDay(text);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function showWhen(event) {
  const start = parseDay(event.start);
  const year = start.getUTCFullYear();
  switch (event.granularity) {
    case "year": return String(year);
    case "quarter": return `Q${Math.floor(start.getUTCMonth() / 3) + 1} ${year}`;
    case "month": return `${MONTHS[start.getUTCMonth()]} ${year}`;
    case "week": return `week of ${showDay(event.start)}`;
    default: return event.start === event.end ? showDay(event.start) : `${showDay(event.start)} – ${showDay(event.end)}`;
  }
}

// --- filters and links --------------------------------------------------------------------------

function chosenTypes() {
  const boxes = [...document.querySelectorAll("#types input")];
  return {all: boxes.every(b => b.checked), chosen: boxes.filter(b => b.checked).map(b => b.value)};
}

function query() {
  const params = new URLSearchParams();
  const types = chosenTypes();
  if (!types.all) types.chosen.forEach(t => params.append("type", t));
  if ($("from").value) params.set("from", $("from").value);
  if ($("to").value) params.set("to", $("to").value);
  return params;
}

function setLinks(params) {
  for (const format of ["json", "timelinejs", "ics", "csv"]) {
    const p = new URLSearchParams(params);
    if (format !== "json") p.set("format", format);
    const text = p.toString();
    $("as-" + format).setAttribute("href", "timeline" + (text ? "?" + text : ""));
  }
}

// --- drawing ------------------------------------------------------------------------------------

function drawAxis(events) {
  const axis = $("axis");
  axis.replaceChildren();
  if (!events.length) return;
  const first = Math.min(...events.map(e => parseDay(e.start).getTime()));
  const last = Math.max(...events.map(e => parseDay(e.end).getTime())) + DAY_MS;
  const span = Math.max(last - first, DAY_MS);
  const at = t => (100 * (t - first)) / span;
  const lanes = [];  // the right edge (percent) of the last marker in each lane
  for (const event of events) {
    const left = at(parseDay(event.start).getTime());
    const width = Math.max(at(parseDay(event.end).getTime() + DAY_MS) - left, 0.6);
    let lane = lanes.findIndex(right => right + 0.8 <= left);
    if (lane < 0) { lane = lanes.length; lanes.push(0); }
    lanes[lane] = left + width;
    const marker = el("a", {href: "#ev-" + event.id, class: "marker " + typeClass.get(event.type),
      title: `${event.label} (${showWhen(event)})`, "aria-label": event.label});
    marker.style.left = left + "%";
    marker.style.width = width + "%";
    marker.style.top = (lane * 14 + 4) + "px";
    axis.append(marker);
  }
  const firstYear = new Date(first).getUTCFullYear(), lastYear = new Date(last).getUTCFullYear();
  const step = Math.max(1, Math.ceil((lastYear - firstYear) / 12));
  for (let year = firstYear + 1; year <= lastYear; year += step) {
    const tick = el("span", {class: "tick"}, String(year));
    tick.style.left = at(Date.UTC(year, 0, 1)) + "%";
    axis.append(tick);
  }
  axis.style.height = (lanes.length * 14 + 28) + "px";
}

function markedSentence(source) {
  // the sentence with the date phrase in <mark>: the offsets are into the article, so relative to the sentence
  // they are date_begin - sentence_begin; when they do not fit, the phrase's first occurrence
  const text = source.sentence, phrase = source.date_text || "";
  let begin = -1;
  if (phrase && source.date_begin !== null && source.date_begin !== undefined) {
    const rel = source.date_begin - (source.sentence_begin || 0);
    if (text.slice(rel, rel + phrase.length) === phrase) begin = rel;
  }
  if (begin < 0 && phrase) begin = text.indexOf(phrase);
  const quote = el("blockquote", {class: "sentence"});
  if (begin < 0) { quote.append(text); return quote; }
  quote.append(text.slice(0, begin), el("mark", {}, phrase), text.slice(begin + phrase.length));
  return quote;
}

function sourceItem(source) {
  const article = articles.get(source.article) || {};
  const title = source.title || article.title || source.article;
  const linked = /^(https?|ftps?):\/\//i.test(article.url || "");  // checked at ingestion; checked again here
  const heading = linked ? el("a", {href: article.url, rel: "noopener noreferrer"}, title) : el("span", {}, title);
  const repeats = source.repeats > 1 ? ` · ${source.repeats} times in the article` : "";
  return el("li", {class: "source"},
    el("div", {class: "source-head"}, el("cite", {}, heading),
      el("span", {class: "outlet"}, article.source || ""), el("time", {datetime: source.published}, showDay(source.published))),
    markedSentence(source),
    el("div", {class: "rule"}, `rule ${source.rule}${repeats}`));
}

function conflictList(event) {
  if (!event.conflicts || !event.conflicts.length) return null;
  const list = el("ul", {class: "conflicts"});
  for (const c of event.conflicts) {
    const article = articles.get(c.article) || {};
    const when = c.start === c.end ? showDay(c.start) : `${showDay(c.start)} – ${showDay(c.end)}`;
    list.append(el("li", {}, `“${c.date_text || "?"}” = ${when}, in `, el("cite", {}, article.title || c.article),
      ` (${showDay(c.published)})`));
  }
  return el("div", {class: "conflict-box"}, el("strong", {}, "Conflicting dates reported:"), list);
}

function eventItem(event) {
  const sources = el("ul", {class: "sources"});
  event.sources.forEach(s => sources.append(sourceItem(s)));
  const count = event.sources.length === 1 ? "1 source" : `${event.sources.length} sources`;
  return el("li", {class: "event " + typeClass.get(event.type), id: "ev-" + event.id, "data-type": event.type},
    el("h2", {class: "label"}, el("a", {href: "events/" + event.id}, event.label)),
    el("p", {class: "meta"}, el("span", {class: "type"}, event.type), " ",
      el("time", {class: "when", datetime: event.start}, showWhen(event)), " ",
      el("span", {class: "status status-" + event.status}, event.status || ""), " ",
      el("span", {class: "count"}, count)),
    event.participants && event.participants.length ? el("p", {class: "participants"}, "With " + event.participants.join(", ")) : null,
    conflictList(event),
    el("details", {open: ""}, el("summary", {}, `Sources (${count})`), sources));
}

let shown = 0;  // the latest request wins when filters change faster than answers come

async function showTimeline(remember) {
  const ticket = ++shown;
  const params = query();
  setLinks(params);
  if (remember) history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  const types = chosenTypes();
  let events = [];
  if (types.chosen.length) {
    params.set("limit", "1000");
    $("status").textContent = "Loading…";
    events = await allPages("timeline?" + params, "events");
  }
  if (ticket !== shown) return;
  $("events").replaceChildren(...events.map(eventItem));
  drawAxis(events);
  $("status").textContent = events.length === 1 ? "1 event" : `${events.length} events`;
}

// --- explain ------------------------------------------------------------------------------------

function listOrNone(items) { return items.length ? items.join(", ") : "none"; }

function explainSentence(s, n) {
  const box = el("article", {class: "explained"});
  const taken = s.dates.filter(d => d.taken);
  const quote = el("blockquote", {class: "sentence"});
  let at = 0;
  for (const d of taken.sort((a, b) => a.begin - b.begin)) {
    if (d.begin < at) continue;
    quote.append(s.text.slice(at, d.begin), el("mark", {}, s.text.slice(d.begin, d.end)));
    at = d.end;
  }
  quote.append(s.text.slice(at));
  box.append(el("h3", {}, `Sentence ${n}`), quote);

  const dates = el("ul", {class: "dates"});
  for (const d of s.dates) {
    dates.append(el("li", {class: d.taken ? "taken" : "not-taken"}, el("q", {}, d.text), ` = ${d.value} (${d.type}): `,
      el("strong", {}, d.taken ? "taken" : "not taken"), `: ${d.why}`));
  }
  box.append(el("h4", {}, "Dates"), s.dates.length ? dates : el("p", {}, "No time expression."));

  const a = s.actors;
  const people = a.people.map(p => p.name).concat(a.referred_back.map(p => `${p.name} (as “${p.as}”)`));
  box.append(el("h4", {}, "Actors"), el("ul", {class: "actors"},
    el("li", {}, "People: " + listOrNone(people)), el("li", {}, "Officials: " + listOrNone(a.officials)),
    el("li", {}, "Countries: " + listOrNone(a.countries)), el("li", {}, "Groups: " + listOrNone(a.groups)),
    el("li", {}, "Places: " + listOrNone(a.places))));

  const rules = el("ul", {class: "rules"});
  let quiet = 0;
  for (const r of s.rules) {
    if (r.fired) {
      rules.append(el("li", {class: "fired"}, el("strong", {}, r.rule), `: fired on “${r.trigger || "?"}”`));
    } else if (r.failed.includes("triggers")) {
      quiet += 1;
    } else {
      const why = el("ul", {class: "failed"});
      r.failed.forEach(name => why.append(el("li", {}, el("code", {}, name), ": " + r.conditions[name].detail)));
      rules.append(el("li", {class: "not-fired"}, el("strong", {}, r.rule),
        `: not fired on “${r.trigger || "?"}”` + (r.kept_undated ? " (kept as undated)" : ""), why));
    }
  }
  if (quiet) rules.append(el("li", {class: "quiet"}, `${quiet} other rule(s): no trigger word in the sentence`));
  box.append(el("h4", {}, "Rules"), rules);

  if (s.mentions.length) {
    const found = el("ul", {class: "mentions"});
    for (const m of s.mentions) {
      const when = m.start === m.end ? m.start : `${m.start} – ${m.end}`;
      found.append(el("li", {}, `${m.type} ${when || "undated"} (${m.status}): `, el("strong", {}, m.label)));
    }
    box.append(el("h4", {}, "Gives the timeline"), found);
  }
  return box;
}

async function explainText(event) {
  event.preventDefault();
  const result = $("explain-result");
  result.replaceChildren(el("p", {}, "Explaining…"));
  const response = await fetch("explain", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({text: $("explain-text").value, published: $("explain-published").value})});
  const body = await response.json();
  if (!response.ok) {
    result.replaceChildren(el("p", {class: "error", role: "alert"}, body.detail || body.title));
    return;
  }
  result.replaceChildren(el("p", {class: "rules-version"}, `Rules version ${body.rules_version}, published ${body.published}`),
    ...body.sentences.map((s, i) => explainSentence(s, i + 1)));
}

// --- start --------------------------------------------------------------------------------------

async function start() {
  const [rules, found] = await Promise.all([getJSON("rules"), allPages("articles?limit=1000", "articles")]);
  found.forEach(a => articles.set(a.id, a));
  const params = new URLSearchParams(location.search);
  const wanted = params.getAll("type").flatMap(t => t.split(","));
  const types = $("types");
  rules.types.forEach((t, i) => {
    typeClass.set(t.name, "t" + (i % 6));
    const box = el("input", {type: "checkbox", value: t.name, id: "type-" + t.name});
    box.checked = !wanted.length || wanted.includes(t.name);
    box.addEventListener("change", () => showTimeline(true));
    types.append(el("label", {class: "type-choice " + typeClass.get(t.name)}, box, " " + t.name));
  });
  $("from").value = params.get("from") || "";
  $("to").value = params.get("to") || "";
  $("filters").addEventListener("submit", e => { e.preventDefault(); showTimeline(true); });
  $("reset").addEventListener("click", () => {
    document.querySelectorAll("#types input").forEach(b => { b.checked = true; });
    $("from").value = ""; $("to").value = "";
    showTimeline(true);
  });
  $("explain").addEventListener("submit", explainText);
  $("explain-published").value = new Date().toISOString().slice(0, 10);
  await showTimeline(false);
}

start().catch(error => {
  $("status").textContent = "The timeline could not be loaded: " + error.message;
});
