// CareLine web chat: plain JS, no third-party code. Talks to POST /api/v1/chat on the same origin.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var typing = document.getElementById("typing");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var picker = document.getElementById("picture");
  var keys = {conversation: "careline-conversation", token: "careline-token"};
  var MAX_PICTURE_BYTES = 10 * 1024 * 1024;
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

  // A chat turn and a picture get the same kind of answer, shown the same way.
  function post(url, init) {
    typing.hidden = false;
    fetch(url, init).then(function (r) { return r.json(); }).then(show).catch(function () {
      typing.hidden = true;
      add("Sorry, I can't reach CareLine right now. Please try again. In an emergency, call 911.", "bot");
    });
  }

  function show(body) {
    typing.hidden = true;
    if (body.error && body.error.code === "invalid_conversation_token") {
      forget();
      add("This chat has ended. Please reload the page to start again. In an emergency, call 911.", "bot");
      return;
    }
    if (body.error) { add(body.error.message, "bot"); input.focus(); return; }
    if (body.conversation_token) { remember(body.conversation_id, body.conversation_token); }
    var buttons = [];
    body.messages.forEach(function (m) { add(m.text, "bot"); buttons = buttons.concat(m.buttons || []); });
    offer(buttons);
    document.body.dataset.triage = body.state.triage ? body.state.triage.level : "";
    input.focus();
  }

  function send(text, shown) {
    add(shown || text, "user");
    offer([]);
    var message = conversation ? {conversation_id: conversation, text: text} : {text: text};
    post("/api/v1/chat", {method: "POST", headers: headers(true), body: JSON.stringify(message)});
  }

  // The quick replies stay until the answer comes: a refused picture leaves the question as it was.
  function sendPicture(file) {
    if (file.size > MAX_PICTURE_BYTES) {  // the gateway refuses it too; this spares the patient the upload
      add("That picture is too large. Please send one under 10 MB.", "bot");
      return;
    }
    if (!token) {
      add("Please answer the question above first, then send your picture.", "bot");
      return;
    }
    add("Picture: " + file.name, "user");
    var upload = new FormData();
    upload.append("image", file, file.name);
    post("/api/v1/chat/" + encodeURIComponent(conversation) + "/images",
         {method: "POST", headers: headers(false), body: upload});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  document.getElementById("attach").addEventListener("click", function () { picker.click(); });
  picker.addEventListener("change", function () {
    if (picker.files.length) { sendPicture(picker.files[0]); }
    picker.value = "";  // the same picture can be chosen again
  });
  // A file dropped anywhere on the page is sent, never opened in place of the chat.
  function carriesFiles(event) {
    return Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0;
  }
  document.addEventListener("dragover", function (event) {
    if (!carriesFiles(event)) { return; }
    event.preventDefault();
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (event) {
    if (!event.relatedTarget) { document.body.classList.remove("dropping"); }
  });
  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) { return; }
    event.preventDefault();
    document.body.classList.remove("dropping");
    if (event.dataTransfer.files.length) { sendPicture(event.dataTransfer.files[0]); }
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
