// Starts Swagger UI on the API documentation page (kept out of the page: no inline script).
(function () {
  "use strict";
  var script = document.currentScript;
  window.SwaggerUIBundle({
    url: script.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
})();
