// The queue's auto-refresh, every 10 seconds. It marks itself as background (the header below), so it does
// not count as a nurse's activity: an unattended console still times out and lands on the sign-in page.
(function () {
  "use strict";
  setInterval(async function () {
    const response = await fetch(location.href, {headers: {"X-CareLine-Background": "refresh"}});
    if (response.redirected) {
      location.assign(response.url);
    } else if (response.ok) {
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      document.querySelector("main").replaceWith(fresh.querySelector("main"));
    }
  }, 10000);
})();
