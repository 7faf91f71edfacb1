// Renders the gateway's OpenAPI document. A file, not an inline script, so the page works under
// the gateway's Content-Security-Policy.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
});
