// The "Báo cáo năm" page follows the reports being written: each pending row asks for its state, moves its
// progress bar, and the page reloads once one has finished or failed (its files or its message then show).
(function () {
  "use strict";
  var rows = document.querySelectorAll("[data-state-url]");
  if (!rows.length) {
    return;
  }
  function poll() {
    var requests = Array.prototype.map.call(rows, function (row) {
      return fetch(row.dataset.stateUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (state) {
          var bar = row.querySelector("progress");
          if (bar) {
            bar.value = state.progress;
          }
          return state.status === "queued" || state.status === "running";
        });
    });
    Promise.all(requests).then(function (pending) {
      if (pending.indexOf(false) !== -1) {
        window.location.reload();
        return;
      }
      setTimeout(poll, 2000);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
