// Swagger UI over this API's OpenAPI document (served from /static: the CSP allows no inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", validatorUrl: null});
});
