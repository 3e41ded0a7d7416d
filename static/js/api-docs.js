// The API docs page: Swagger UI (vendored) on the generated OpenAPI document. No inline script (CSP).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true, tryItOutEnabled: false });
});
