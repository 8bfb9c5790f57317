// Follow a queued or running job: ask the job API every second and show the page again once the job has ended.
(function () {
  "use strict";
  const job = document.getElementById("job");
  const status = document.getElementById("job-status");
  const labels = { queued: "Queued", started: "Started", finished: "Finished", failed: "Failed" };
  function check() {
    fetch(job.dataset.url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (body && (body.status === "finished" || body.status === "failed")) {
          window.location.reload();
          return;
        }
        if (body && labels[body.status]) status.textContent = labels[body.status];
        window.setTimeout(check, 1000);
      })
      .catch(() => window.setTimeout(check, 2000));
  }
  window.setTimeout(check, 1000);
})();
