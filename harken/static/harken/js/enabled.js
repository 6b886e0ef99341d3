// Loaded first thing in <body>, not as a module, so the classes are set before the page is
// drawn (GOV.UK Frontend's styles for JavaScript-enabled pages). A file, not inline: the
// Content-Security-Policy allows no inline script.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
