// retrofit serve: the page's few behaviours, in plain JS (no framework, no build step, no
// request outside this server). Every text put into the page goes through textContent.
"use strict";

function showWorking(form) {
  // the estimate of a large inventory takes seconds: say so, and keep the form from being
  // sent twice
  form.addEventListener("submit", function () {
    var working = document.getElementById("working");
    var button = document.getElementById("submit");
    if (working) { working.hidden = false; }
    if (button) { button.disabled = true; }
  });
}

function loadCharts(section) {
  // the figures are drawn on the server when first asked for, so the results page comes
  // back without waiting for them
  var list = document.getElementById("chart-list");
  fetch(section.getAttribute("data-charts"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (charts) {
      charts.forEach(function (chart) {
        var figure = document.createElement("figure");
        var image = document.createElement("img");
        image.src = chart.url;
        image.alt = chart.caption;
        image.className = "chart";
        var caption = document.createElement("figcaption");
        caption.textContent = chart.caption;
        figure.appendChild(image);
        figure.appendChild(caption);
        list.appendChild(figure);
      });
      section.setAttribute("data-loaded", String(charts.length));
    })
    .catch(function () {
      section.setAttribute("data-loaded", "error");
    });
}

document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("upload");
  if (form) { showWorking(form); }
  var charts = document.getElementById("charts");
  if (charts) { loadCharts(charts); }
});
