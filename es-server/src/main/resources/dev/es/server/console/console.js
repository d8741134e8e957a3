// The es console: channels with live counts and rates (polling the JSON listing), a live tail of one channel
// (EventSource, as any subscriber), and a publish form. The token the user types is kept in this page, and for
// the tail in a same-site session cookie (EventSource sends cookies, not headers).
"use strict";

const LISTING = "/_es/v1/channels";
const POLL_MS = 1000;
const HISTORY = 60; // points per sparkline: a minute at one poll a second
const TAIL = 50;

const state = { token: "", history: new Map(), last: new Map(), tail: null, tailName: null };
const $ = (id) => document.getElementById(id);

function headers(extra = {}) {
  return state.token ? { ...extra, "Auth-Token": state.token } : extra;
}

async function poll() {
  try {
    const answer = await fetch(LISTING, { headers: headers(), cache: "no-store" });
    if (answer.status === 403) {
      $("login").hidden = false;
      $("status").textContent = "token needed";
      return;
    }
    if (!answer.ok) throw new Error("the hub answered " + answer.status);
    $("login").hidden = true;
    show(await answer.json());
    $("status").textContent = "live";
    $("status").className = "";
  } catch (e) {
    $("status").textContent = "cannot reach the hub: " + e.message;
    $("status").className = "error";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

function show(channels) {
  const body = $("channels").tBodies[0];
  body.replaceChildren(...channels.map(row));
  $("no-channels").hidden = channels.length > 0;
}

function row(channel) {
  const before = state.last.get(channel.name);
  const rate = before === undefined ? 0 : Math.max(0, channel.events - before);
  state.last.set(channel.name, channel.events);
  const points = state.history.get(channel.name) || [];
  points.push(rate);
  if (points.length > HISTORY) points.shift();
  state.history.set(channel.name, points);

  const tr = document.createElement("tr");
  tr.dataset.channel = channel.name;
  if (channel.name === state.tailName) tr.className = "chosen";
  for (const text of [channel.name, channel.consumers, channel.events, rate]) {
    const td = document.createElement("td");
    td.textContent = String(text);
    tr.append(td);
  }
  const chart = document.createElement("td");
  chart.append(sparkline(points));
  tr.append(chart);
  tr.addEventListener("click", () => follow(channel.name));
  return tr;
}

function sparkline(points) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", `0 0 ${HISTORY - 1} 24`);
  svg.setAttribute("preserveAspectRatio", "none");
  const top = Math.max(1, ...points);
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  const offset = HISTORY - points.length;
  line.setAttribute("points", points.map((p, i) => `${offset + i},${23 - (p / top) * 22}`).join(" "));
  svg.append(line);
  return svg;
}

function follow(name) {
  if (state.tail) state.tail.close();
  state.tailName = name;
  $("tail-channel").textContent = name;
  $("tail").replaceChildren();
  // EventSource sends no headers, but the cookies of its origin: a session cookie, unlike a query, stays out
  // of the browser's history and of proxies' logs. The hub reads tokens only from headers to publish.
  if (state.token) {
    document.cookie = "es_token=" + state.token + "; path=/; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");
  }
  state.tail = new EventSource("/" + encodeURIComponent(name));
  const add = (e) => {
    const item = document.createElement("li");
    item.textContent = (e.type === "message" ? "" : e.type + ": ") + e.data;
    item.title = "id " + e.lastEventId;
    $("tail").prepend(item);
    while ($("tail").children.length > TAIL) $("tail").lastChild.remove();
  };
  state.tail.onmessage = add;
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  state.token = $("token").value;
  $("publish-token").value = state.token;
});

$("publish").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { data: $("publish-data").value };
  if ($("publish-event").value) body.event = $("publish-event").value;
  const token = $("publish-token").value || state.token;
  const answer = await fetch("/" + encodeURIComponent($("publish-channel").value), {
    method: "POST",
    headers: token ? { "Content-Type": "application/json", "Auth-Token": token } : { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = await answer.json().catch(() => ({}));
  $("publish-result").textContent = answer.ok ? "published, id " + result.id : (result.error || "refused: " + answer.status);
  $("publish-result").className = answer.ok ? "" : "error";
});

poll();
