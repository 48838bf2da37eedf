/* A button that copies a field's text (data-copy-target: the field's id) and says so in its
   status element (data-copy-status: its id). Without a clipboard the field's text is selected,
   ready for Ctrl+C. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field) return;
    button.hidden = false;
    var say = function (text) {
      if (status) status.textContent = text;
    };
    var selectText = function () {
      field.focus();
      field.select();
    };
    button.addEventListener("click", function () {
      say("");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { say(button.dataset.copiedText); },
          function () { selectText(); say(button.dataset.failedText); }
        );
      } else {
        selectText();
        var copied = false;
        try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
        say(copied ? button.dataset.copiedText : button.dataset.failedText);
      }
    });
  });
})();
