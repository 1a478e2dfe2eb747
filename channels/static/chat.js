// CareLine web chat: plain JS, no third-party code. Talks to POST /api/v1/chat on the same origin.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var typing = document.getElementById("typing");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var keys = {conversation: "careline-conversation", token: "careline-token"};
  var seen = {};
  // A portal launch brings the patient's conversation and its token; otherwise the first answer gives them.
  if (document.body.dataset.conversation) {
    remember(document.body.dataset.conversation, document.body.dataset.token);
  }
  var conversation = sessionStorage.getItem(keys.conversation);
  var token = sessionStorage.getItem(keys.token);

  function remember(id, secret) {
    conversation = id;
    token = secret;
    sessionStorage.setItem(keys.conversation, id);
    sessionStorage.setItem(keys.token, secret);
  }

  function forget() {
    conversation = token = null;
    sessionStorage.removeItem(keys.conversation);
    sessionStorage.removeItem(keys.token);
  }

  function headers(json) {
    var sent = json ? {"Content-Type": "application/json"} : {};
    if (token) { sent.Authorization = "Bearer " + token; }
    return sent;
  }

  function add(text, who) {
    var p = document.createElement("p");
    p.className = "msg " + who;
    p.textContent = text;
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
  }

  function offer(buttons) {
    choices.innerHTML = "";
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { send(b.payload, b.title); });
      choices.appendChild(button);
    });
  }

  function send(text, shown) {
    add(shown || text, "user");
    offer([]);
    typing.hidden = false;
    var message = conversation ? {conversation_id: conversation, text: text} : {text: text};
    var sent = fetch("/api/v1/chat", {method: "POST", headers: headers(true), body: JSON.stringify(message)});
    sent.then(function (r) { return r.json(); }).then(function (body) {
      typing.hidden = true;
      if (body.error && body.error.code === "invalid_conversation_token") {
        forget();
        add("This chat has ended. Please reload the page to start again. In an emergency, call 911.", "bot");
        return;
      }
      if (body.error) { add(body.error.message, "bot"); return; }
      if (body.conversation_token) { remember(body.conversation_id, body.conversation_token); }
      var buttons = [];
      body.messages.forEach(function (m) { add(m.text, "bot"); buttons = buttons.concat(m.buttons || []); });
      offer(buttons);
      document.body.dataset.triage = body.state.triage ? body.state.triage.level : "";
      input.focus();
    }).catch(function () {
      typing.hidden = true;
      add("Sorry, I can't reach CareLine right now. Please try again. In an emergency, call 911.", "bot");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  // Nurse replies stay on the server until this page says it showed them.
  function poll() {
    if (!token) { return; }
    var updates = "/api/v1/chat/" + encodeURIComponent(conversation) + "/updates";
    fetch(updates, {headers: headers(false)}).then(function (r) { return r.json(); }).then(function (body) {
      var ids = (body.messages || []).map(function (m) {
        if (!seen[m.id]) { add(m.text, "bot nurse-reply"); }
        seen[m.id] = true;
        return m.id;
      });
      if (ids.length) {
        return fetch(updates + "/ack", {method: "POST", headers: headers(true), body: JSON.stringify({ids: ids})});
      }
    }).catch(function () {});
  }
  setInterval(poll, 5000);
  document.getElementById("nurse").addEventListener("click", function () { send("/request_nurse", "Talk to a nurse"); });
  send("hi", "Hi");
})();
