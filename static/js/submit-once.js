// A form that creates something (it carries the hidden one-time token, see submit_once) is
// sent once: after the first click its buttons are disabled.
// The server refuses a second sending anyway; this spares the visitor the wait and the message.
(function () {
  "use strict";

  var BUTTONS = 'button:not([type]), button[type="submit"], input[type="submit"]';

  function guarded(form) {
    return form instanceof HTMLFormElement && form.querySelector("input[data-submit-once]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!guarded(form) || event.defaultPrevented) {
      return;
    }
    form.setAttribute("aria-busy", "true");
    // Disabled once the browser has read the form: a button disabled now would not send its
    // name and value (the decision form's "approve" or "decline").
    window.setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // Back to a page kept in the browser's memory: its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll('form[aria-busy="true"]').forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();
