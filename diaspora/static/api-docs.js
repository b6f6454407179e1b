// The API documentation page: Swagger UI over the application's own OpenAPI document.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: element.dataset.specUrl,
    domNode: element,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
})();
