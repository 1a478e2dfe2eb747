// CareLine embeddable widget: <script src="https://careline.example/widget.js" data-title="..." data-color="#0b5394">
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var title = script.dataset.title || "Chat with CareLine";
  var color = script.dataset.color || "#0b5394";
  var open = false;

  var bubble = document.createElement("button");
  bubble.type = "button";
  bubble.textContent = title;
  bubble.setAttribute("aria-expanded", "false");
  bubble.setAttribute("aria-controls", "careline-frame");
  bubble.id = "careline-launcher";
  bubble.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.75rem 1rem;border:0;" +
    "border-radius:2rem;font:600 16px system-ui,sans-serif;color:#fff;cursor:pointer;background:" + color;

  var frame = document.createElement("iframe");
  frame.id = "careline-frame";
  frame.title = title;
  frame.src = origin + "/chat?embed=1";
  frame.hidden = true;
  frame.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(24rem,calc(100vw - 2rem));" +
    "height:min(36rem,calc(100vh - 6rem));border:2px solid " + color + ";border-radius:8px;background:#fff";

  bubble.addEventListener("click", function () {
    open = !open;
    frame.hidden = !open;
    bubble.setAttribute("aria-expanded", String(open));
    if (open) { frame.focus(); }
  });
  document.body.appendChild(frame);
  document.body.appendChild(bubble);
})();
