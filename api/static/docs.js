// Swagger UI over this API's OpenAPI document, named by the page (/docs); served from /static because
// the Content-Security-Policy allows no inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({url: root.dataset.url, dom_id: "#swagger-ui", validatorUrl: null});
});
