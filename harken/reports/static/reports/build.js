// The build page works without JavaScript ("Check again"). With it, the page asks the API
// for the build's status every few seconds and reloads itself once the build has finished.
const region = document.getElementById("build-status");
const url = region && region.dataset.pollUrl;
if (url) {
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const body = await response.json();
        if (body.status === "built" || body.status === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The link still works; try again later.
    }
    window.setTimeout(poll, 3000);
  };
  window.setTimeout(poll, 3000);
}
