// Downloads a session's certificates as one ZIP while showing how far it has got. The server
// streams the ZIP one certificate at a time, so its size is not known in advance: progress is
// estimated from the bytes received and the typical size of a certificate. Without JavaScript,
// or without streaming support, the link downloads as usual.
(function () {
  "use strict";
  var link = document.getElementById("zip-link");
  if (!link || !window.fetch || !window.ReadableStream || !window.URL) { return; }
  var TYPICAL_BYTES = 70000;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var total = parseInt(link.dataset.count, 10);
    var box = document.getElementById("zip-progress");
    var bar = document.getElementById("zip-bar");
    var status = document.getElementById("zip-status");
    box.hidden = false;
    link.setAttribute("aria-disabled", "true");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || !response.body) { throw new Error("download failed"); }
      var reader = response.body.getReader();
      var chunks = [];
      var received = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return; }
          chunks.push(step.value);
          received += step.value.length;
          var done = Math.min(total, Math.floor(received / TYPICAL_BYTES));
          bar.value = Math.min(99, Math.round(100 * done / total));
          status.textContent = status.dataset.template.replace("{done}", done).replace("{total}", total);
          return pump();
        });
      }
      return pump().then(function () {
        bar.value = 100;
        var url = URL.createObjectURL(new Blob(chunks, { type: "application/zip" }));
        var a = document.createElement("a");
        a.href = url;
        a.download = link.href.split("/").pop();
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        link.removeAttribute("aria-disabled");
      });
    }).catch(function () { window.location.href = link.href; });
  });
})();
