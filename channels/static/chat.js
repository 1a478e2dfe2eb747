// CareLine web chat: plain JS, no third-party code. Talks to POST /api/v1/chat on the same origin.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var typing = document.getElementById("typing");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var key = "careline-conversation";
  var conversation = document.body.dataset.conversation || sessionStorage.getItem(key);
  if (!conversation) {
    conversation = "web-" + Array.from(crypto.getRandomValues(new Uint8Array(12)),
      function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  sessionStorage.setItem(key, conversation);

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
    fetch("/api/v1/chat", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({conversation_id: conversation, text: text})
    }).then(function (r) { return r.json(); }).then(function (body) {
      typing.hidden = true;
      if (body.error) { add(body.error.message, "bot"); return; }
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
  function poll() {
    fetch("/api/v1/chat/" + encodeURIComponent(conversation) + "/updates").then(function (r) { return r.json(); })
      .then(function (body) { (body.messages || []).forEach(function (m) { add(m.text, "bot nurse-reply"); }); })
      .catch(function () {});
  }
  setInterval(poll, 5000);
  document.getElementById("nurse").addEventListener("click", function () { send("/request_nurse", "Talk to a nurse"); });
  send("hi", "Hi");
})();
