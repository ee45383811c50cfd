// Progressive enhancement only: every page works without this file. Loaded with `defer`; no inline script anywhere
// (the CSP forbids it), so behaviour hangs off data-* attributes.
(function () {
  "use strict";
})();
