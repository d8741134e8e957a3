// The es console: channels with live counts and rates (polling the JSON listing), a live tail of one channel
// (read with fetch, as any subscriber reads the stream), and a publish form. The token the user types is kept in
// this page only.
"use strict";

const LISTING = "/_es/v1/channels";
const POLL_MS = 1000;
const HISTORY = 60; // points per sparkline: a minute at one poll a second
const TAIL = 50;
const RECONNECT_MS = 2000;

const state = { token: "", history: new Map(), last: new Map(), tail: null, tailName: null };
const $ = (id) => document.getElementById(id);

function headers(extra = {}, token = state.token) {
  return token ? { ...extra, "Auth-Token": token } : extra;
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

// Reads a channel's stream with fetch rather than EventSource, which hands a page only the event types it names
// beforehand (a tail must show every type) and sends no headers (the token would have to go in a cookie). Like
// EventSource, it comes back after a cut with the last id it saw, and stops when another channel is picked.
async function follow(name) {
  if (state.tail) state.tail.abort();
  const tail = new AbortController();
  state.tail = tail;
  state.tailName = name;
  $("tail-channel").textContent = name;
  $("tail").replaceChildren();
  let lastEventId = "";
  const add = (event) => {
    lastEventId = event.id;
    const item = document.createElement("li");
    item.textContent = (event.type === "message" ? "" : event.type + ": ") + event.data;
    item.title = "id " + event.id;
    $("tail").prepend(item);
    while ($("tail").children.length > TAIL) $("tail").lastChild.remove();
  };
  while (!tail.signal.aborted) {
    try {
      const answer = await fetch("/" + encodeURIComponent(name), {
        headers: headers(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
        cache: "no-store",
        signal: tail.signal,
      });
      if (!answer.ok) {
        const refusal = (await answer.json().catch(() => ({}))).error || answer.status;
        if (!tail.signal.aborted) $("tail-channel").textContent = name + " (" + refusal + ")";
        return;
      }
      const read = events(add);
      const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (let chunk = await reader.read(); !chunk.done && !tail.signal.aborted; chunk = await reader.read()) read(chunk.value);
      } finally {
        reader.cancel().catch(() => {});
      }
    } catch (e) {
      if (tail.signal.aborted) return;
    }
    await new Promise((resume) => setTimeout(resume, RECONNECT_MS));
  }
}

// The event stream format's lines, as they come in pieces, into events (WHATWG HTML §9.2.6): data lines joined,
// the type and the id kept, comments skipped, an event dispatched at its blank line.
function events(dispatch) {
  let rest = "";
  let data = [];
  let type = "";
  let id = "";
  return (text) => {
    const lines = (rest + text).split(/\r\n|\r|\n/);
    rest = lines.pop();
    for (const line of lines) {
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
      if (line === "") {
        if (data.length) dispatch({ type: type || "message", data: data.join("\n"), id });
        data = [];
        type = "";
      } else if (field === "data") data.push(value);
      else if (field === "event") type = value;
      else if (field === "id" && !value.includes("\0")) id = value;
    }
  };
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
    headers: headers({ "Content-Type": "application/json" }, token),
    body: JSON.stringify(body),
  });
  const result = await answer.json().catch(() => ({}));
  $("publish-result").textContent = answer.ok ? "published, id " + result.id : (result.error || "refused: " + answer.status);
  $("publish-result").className = answer.ok ? "" : "error";
});

poll();
