/* The recipe editor: live preview, a small Markdown toolbar, and a warning before losing changes.
 *
 * The preview posts the text to the API (debounced) and shows the HTML it returns; that HTML is
 * sanitised on the server, and the Content-Security-Policy forbids inline script besides. Everything
 * here is an enhancement: without JavaScript the form still saves.
 */
(function () {
  "use strict";

  var PREVIEW_DELAY_MS = 300;

  var form = document.getElementById("editor-form");
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!form || !body || !preview) {
    return;
  }
  var editor = form.querySelector(".editor");
  var previewStatus = document.getElementById("preview-status");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

  /* --- Live preview ------------------------------------------------------------------------ */

  var timer = null;
  var sent = 0; // number of the latest request; older answers arriving late are ignored

  function showPreview(html) {
    preview.innerHTML = html;
    preview.setAttribute("data-state", "ready");
    preview.removeAttribute("aria-busy");
    if (previewStatus) {
      previewStatus.hidden = true;
    }
  }

  function previewFailed() {
    preview.setAttribute("data-state", "error");
    preview.removeAttribute("aria-busy");
    if (previewStatus) {
      previewStatus.hidden = false;
    }
  }

  function refreshPreview() {
    var number = ++sent;
    preview.setAttribute("data-state", "loading");
    preview.setAttribute("aria-busy", "true");
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ body: body.value }),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("preview answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (number === sent) {
          showPreview(data.html);
        }
      })
      .catch(function () {
        if (number === sent) {
          previewFailed();
        }
      });
  }

  function schedulePreview() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  }

  /* --- Toolbar ----------------------------------------------------------------------------- */

  // Placeholders in the language of the recipe, for when nothing is selected.
  var PLACEHOLDERS = {
    fr: { bold: "texte en gras", italic: "texte en italique", heading: "Titre de section",
          item: "élément", link: "texte du lien", recipe: "Titre d'une recette" },
    en: { bold: "bold text", italic: "italic text", heading: "Section title",
          item: "item", link: "link text", recipe: "Title of a recipe" },
  };

  function placeholder(name) {
    return (PLACEHOLDERS[body.getAttribute("lang")] || PLACEHOLDERS.fr)[name];
  }

  // Each action wraps the selection (or a placeholder) and returns [before, text, after].
  var ACTIONS = {
    bold: function (text) { return ["**", text || placeholder("bold"), "**"]; },
    italic: function (text) { return ["*", text || placeholder("italic"), "*"]; },
    heading: function (text) { return [lineStart() ? "## " : "\n\n## ", text || placeholder("heading"), "\n"]; },
    list: function (text) {
      var items = (text || placeholder("item")).split("\n").map(function (line) { return "- " + line; });
      return [lineStart() ? "" : "\n", items.join("\n"), "\n"];
    },
    link: function (text) { return ["[", text || placeholder("link"), "](https://)"]; },
    wikilink: function (text) { return ["[[", text || placeholder("recipe"), "]]"]; },
  };

  function lineStart() {
    var start = body.selectionStart;
    return start === 0 || body.value.charAt(start - 1) === "\n";
  }

  function applyAction(name) {
    var start = body.selectionStart;
    var end = body.selectionEnd;
    var parts = ACTIONS[name](body.value.slice(start, end));
    body.focus();
    body.setRangeText(parts[0] + parts[1] + parts[2], start, end, "end");
    // Select the inserted text, so that a placeholder can be typed over at once.
    var textStart = start + parts[0].length;
    body.setSelectionRange(textStart, textStart + parts[1].length);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  form.querySelectorAll("[data-markdown]").forEach(function (button) {
    button.addEventListener("click", function () {
      applyAction(button.getAttribute("data-markdown"));
    });
  });

  // The toolbar is one Tab stop; the arrow keys, Home and End move between its buttons, as in the
  // WAI-ARIA toolbar pattern, so that reaching the text does not take a dozen Tabs.
  var toolbarButtons = Array.prototype.slice.call(form.querySelectorAll(".toolbar button"));
  toolbarButtons.forEach(function (button, index) {
    button.tabIndex = index === 0 ? 0 : -1;
    button.addEventListener("keydown", function (event) {
      var last = toolbarButtons.length - 1;
      var target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
      if (target === undefined) {
        return;
      }
      event.preventDefault();
      var next = toolbarButtons[(target + toolbarButtons.length) % toolbarButtons.length];
      button.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  });

  /* --- Starter template in the chosen language (new recipes only) --------------------------- */

  var language = document.getElementById("language");
  if (language && body.hasAttribute("data-starter-fr")) {
    language.addEventListener("change", function () {
      var untouched = ["fr", "en"].some(function (code) {
        return body.value === body.getAttribute("data-starter-" + code);
      });
      var starter = body.getAttribute("data-starter-" + language.value);
      if (untouched && starter !== null) {
        body.value = starter;
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
      body.setAttribute("lang", language.value);
      preview.setAttribute("lang", language.value);
    });
  }

  /* --- Do not lose unsaved work ------------------------------------------------------------- */

  var savedState = new FormData(form);
  var submitting = false;

  function hasUnsavedChanges() {
    if (form.hasAttribute("data-unsaved")) {
      return true; // a refused save or a conflict: the text on the page was never saved
    }
    var now = new FormData(form);
    var changed = false;
    now.forEach(function (value, name) {
      if (savedState.get(name) !== value) {
        changed = true;
      }
    });
    return changed;
  }

  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && hasUnsavedChanges()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  body.addEventListener("input", schedulePreview);
  refreshPreview();
})();
