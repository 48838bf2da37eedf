/* A live count under each text box with a limit (data-max-length): how many characters are
   typed, and how many too many. The server refuses a longer text with a message; the count only
   warns before sending. Screen readers hear the count once typing pauses, not at each key. */
(function () {
  "use strict";
  var format = function (number) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined).format(number);
  };
  var fill = function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? format(values[name]) : match;
    });
  };
  document.querySelectorAll("textarea[data-max-length]").forEach(function (box) {
    var limit = parseInt(box.dataset.maxLength, 10);
    if (!limit) return;
    var shown = document.createElement("div");
    shown.id = box.id + "_count";
    shown.className = "form-text character-count";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", spoken);
    box.insertAdjacentElement("afterend", shown);
    var timer = null;
    var update = function (announce) {
      // The browser's value counts a line break as one character, as the server does.
      var count = box.value.length;
      var text = fill(box.dataset.countText, { count: count, limit: limit });
      if (count > limit) {
        text += " · " + fill(box.dataset.overText, { excess: count - limit });
      }
      shown.textContent = text;
      shown.classList.toggle("text-danger", count > limit);
      shown.classList.toggle("fw-semibold", count > limit);
      if (announce) {
        clearTimeout(timer);
        timer = setTimeout(function () { spoken.textContent = text; }, 1000);
      }
    };
    box.addEventListener("input", function () { update(true); });
    update(false);
  });
})();
