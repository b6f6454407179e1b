// The little JavaScript of the application, loaded by every page from this file: the Content-Security-Policy
// runs no inline script or event handler, so pages say what they need in data-* attributes.
(function () {
  "use strict";

  // <form data-confirm="Question?">: submitted only once the user confirms.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });

  // <div data-poll="URL">: a long job's page asks its state until the job ends, then reloads; a
  // .progress-bar inside follows the job's progress (data-progress holds it when the page is drawn).
  document.querySelectorAll(".progress-bar[data-progress]").forEach(function (bar) {
    bar.style.width = bar.dataset.progress + "%";
  });
  document.querySelectorAll("[data-poll]").forEach(function (box) {
    (function poll() {
      fetch(box.dataset.poll, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.status !== "running" && state.status !== "queued") { window.location.reload(); return; }
          var bar = box.querySelector(".progress-bar[data-progress]");
          if (bar && typeof state.progress === "number") {
            bar.style.width = state.progress + "%";
            bar.textContent = state.progress + "%";
            box.querySelector(".progress").setAttribute("aria-valuenow", state.progress);
          }
          setTimeout(poll, 1500);
        })
        .catch(function () { setTimeout(poll, 5000); });
    })();
  });

  // <div data-shown-when="kind=participants">: shown only while the field with that id has that value.
  document.querySelectorAll("[data-shown-when]").forEach(function (box) {
    var rule = box.dataset.shownWhen.split("=");
    var field = document.getElementById(rule[0]);
    if (!field) { return; }
    function sync() { box.hidden = field.value !== rule[1]; }
    field.addEventListener("change", sync);
    sync();
  });

  // <form data-submit-on-change>: a list's filters apply as soon as one is chosen (a select, a checkbox or a
  // radio button); typed words still wait for Enter or the button, which stays for browsers without script.
  document.addEventListener("change", function (event) {
    var control = event.target;
    var form = control.form;
    if (!form || !form.hasAttribute("data-submit-on-change")) { return; }
    if (control.tagName !== "SELECT" && control.type !== "checkbox" && control.type !== "radio") { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
  // Their URL keeps only the filters in use, so a bookmarked or shared list reads plainly.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-submit-on-change") || form.method.toLowerCase() !== "get") { return; }
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) { if (value !== "") { params.append(name, value); } });
    event.preventDefault();
    var query = params.toString();
    window.location.assign(form.action.split("?")[0] + (query ? "?" + query : ""));
  });

  // #add-contact: adds a blank contact row by copying the last one and renumbering its fields.
  var addContact = document.getElementById("add-contact");
  if (addContact) {
    addContact.addEventListener("click", function () {
      var rows = document.querySelectorAll("#contact-rows .contact-row");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var index = rows.length;
      copy.querySelectorAll("[name], [id], [for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/contacts-\d+-/, "contacts-" + index + "-")); }
        });
      });
      copy.querySelectorAll("input[type=text], input:not([type])").forEach(function (el) {
        el.value = "";
        el.classList.remove("is-invalid");
      });
      copy.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
      copy.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
      last.parentNode.appendChild(copy);
      copy.querySelector("input[type=text], input:not([type])").focus();
    });
  }

  // .picker: type two letters, choose a person or an organisation from the list the server returns. Its
  // data-text-* attributes hold the words it shows (in the page's language).
  function debounce(fn, ms) {
    var timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function lookupUrl(picker) {
    var kind = picker.querySelector(".picker-kind");
    if (!kind) { return picker.dataset.lookup; }
    return kind.value === "organisation" ? picker.dataset.lookupOrganisation : picker.dataset.lookupPerson;
  }
  function addParticipant(picker, item) {
    var kind = picker.querySelector(".picker-kind").value;
    var rows = picker.querySelector(".participant-rows");
    var exists = rows.querySelector('tr[data-key="' + kind + "-" + item.id + '"]');
    if (exists) { exists.querySelector("input[type=text]").focus(); return; }
    var index = parseInt(picker.dataset.nextIndex, 10);
    picker.dataset.nextIndex = index + 1;
    var row = picker.querySelector("template").content.firstElementChild.cloneNode(true);
    row.dataset.key = kind + "-" + item.id;
    row.querySelectorAll("[name], [id]").forEach(function (el) {
      ["name", "id"].forEach(function (attr) {
        if (el.getAttribute(attr)) { el.setAttribute(attr, el.getAttribute(attr).replace("__INDEX__", index)); }
      });
    });
    row.querySelector(".participant-kind").value = kind;
    row.querySelector(".participant-ref").value = item.id;
    row.querySelector(".participant-label").value = item.name;
    row.querySelector(".participant-name").textContent = item.name;
    row.querySelector(".participant-country").textContent = item.country || "";
    row.querySelector(".participant-kind-label").textContent =
      kind === "organisation" ? picker.dataset.textOrganisation : picker.dataset.textPerson;
    rows.appendChild(row);
    picker.querySelector(".participants-empty").classList.add("d-none");
    row.querySelector("input[type=text]").focus();
  }
  function choose(picker, item) {
    if (picker.dataset.mode === "participants") { addParticipant(picker, item); return; }
    picker.querySelector(".picker-id").value = item.id;
    picker.querySelector(".picker-label").value = item.name;
    picker.querySelector(".picker-chosen-text").textContent = item.name + (item.country ? " — " + item.country : "");
    picker.querySelector(".picker-chosen").classList.remove("d-none");
  }
  document.querySelectorAll(".picker").forEach(function (picker) {
    var input = picker.querySelector(".picker-input");
    var results = picker.querySelector(".picker-results");
    function show(items) {
      results.replaceChildren();
      if (!items.length) {
        var empty = document.createElement("div");
        empty.className = "list-group-item text-body-secondary small";
        empty.textContent = picker.dataset.textNone;
        results.appendChild(empty);
      }
      items.forEach(function (item) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.textContent = item.name;
        if (item.country) {
          var country = document.createElement("span");
          country.className = "text-body-secondary small ms-2";
          country.textContent = item.country;
          button.appendChild(country);
        }
        button.addEventListener("click", function () {
          choose(picker, item);
          results.replaceChildren();
          input.value = "";
        });
        results.appendChild(button);
      });
    }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { results.replaceChildren(); return; }
      fetch(lookupUrl(picker) + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(show)
        .catch(function () { show([]); results.firstChild.textContent = picker.dataset.textError; });
    }, 250));
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); var first = results.querySelector("button"); if (first) { first.click(); } }
      if (event.key === "Escape") { results.replaceChildren(); }
    });
    picker.addEventListener("click", function (event) {
      if (event.target.closest("[data-picker-clear]")) {
        picker.querySelector(".picker-id").value = "";
        picker.querySelector(".picker-label").value = "";
        picker.querySelector(".picker-chosen").classList.add("d-none");
      }
      if (event.target.closest("[data-remove-row]")) {
        event.target.closest("tr").remove();
      }
    });
  });
})();
