// Live preview: reload when the server says a new build is ready.
// Injected by `python build.py serve` into the pages it serves, never into built files.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script.getAttribute("data-version");
  var url = script.getAttribute("data-events") + "?v=" + encodeURIComponent(version);
  var source = new EventSource(url);
  source.onmessage = function (event) {
    if (event.data !== version) {
      source.close();
      window.location.reload();
    }
  };
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.getAttribute && target.getAttribute("data-preview-action") === "hide") {
      document.getElementById("course-preview-overlay").hidden = true;
    }
  });
})();
