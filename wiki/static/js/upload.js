/* The editor's picture upload: send the chosen file to the API, then insert its Markdown at the cursor.
 *
 * The server decides what the file is (from its bytes) and answers with the picture's address, or
 * with a sentence saying why it refused it, shown under the control. The text of the recipe is only
 * changed once the picture is stored, and the change goes through the same "input" event as typing,
 * so that the live preview shows the picture at once.
 */
(function () {
  "use strict";

  var control = document.getElementById("picture-upload");
  var body = document.getElementById("body");
  if (!control || !body) {
    return;
  }
  var fileInput = document.getElementById("picture-file");
  var button = document.getElementById("picture-upload-button");
  var status = document.getElementById("picture-upload-status");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function say(state, message) {
    status.setAttribute("data-state", state);
    status.textContent = message;
  }

  // The file's name without its extension, as the picture's alternative text; characters that
  // Markdown would read as syntax become spaces.
  function altText(file) {
    var name = file.name.replace(/\.[^.]*$/, "");
    return name.replace(/[^\p{L}\p{N} .,'-]+/gu, " ").trim();
  }

  function insertPicture(alt, url) {
    var start = body.selectionStart;
    var end = body.selectionEnd;
    var before = start === 0 || body.value.charAt(start - 1) === "\n" ? "" : "\n\n";
    var markdown = before + "![" + alt + "](" + url + ")\n";
    body.focus();
    body.setRangeText(markdown, start, end, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function refusal(response) {
    return response
      .json()
      .then(function (data) {
        return data && data.error && data.error.message;
      })
      .catch(function () {
        return null;
      })
      .then(function (message) {
        throw new Error(message || control.getAttribute("data-msg-failed"));
      });
  }

  function upload() {
    var file = fileInput.files && fileInput.files[0];
    if (!file) {
      say("error", control.getAttribute("data-msg-choose"));
      fileInput.focus();
      return;
    }
    var data = new FormData();
    data.append("file", file);
    button.disabled = true;
    say("sending", control.getAttribute("data-msg-sending"));
    fetch(control.getAttribute("data-upload-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
      body: data,
    })
      .then(function (response) {
        return response.ok ? response.json() : refusal(response);
      })
      .then(function (picture) {
        insertPicture(altText(file), picture.url);
        fileInput.value = "";
        say("done", control.getAttribute("data-msg-done"));
      })
      .catch(function (error) {
        // A TypeError is fetch's own: the network failed, the server never answered.
        say("error", error instanceof TypeError ? control.getAttribute("data-msg-failed") : error.message);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  button.addEventListener("click", upload);
  control.hidden = false;
})();
