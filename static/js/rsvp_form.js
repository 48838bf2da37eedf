// The answer form of a meeting page: the lunch fields are for those who attend in person. They
// are hidden (and not sent) while another answer is chosen. Without this script the fields stay
// in view and the server refuses lunch with an online answer, with a message beside the box.
(function () {
  "use strict";
  var form = document.querySelector("form[data-rsvp-form]");
  if (!form) {
    return;
  }
  var wrappers = ["stays_for_lunch", "dietary_needs"]
    .map(function (name) {
      // crispy-forms wraps each field, label, help and errors, in div_id_<name>.
      return form.querySelector("#div_id_" + name);
    })
    .filter(Boolean);
  if (!wrappers.length) {
    return;
  }
  function update() {
    var chosen = form.querySelector('input[name="response"]:checked');
    var inPerson = !!chosen && chosen.value === "in_person";
    wrappers.forEach(function (wrapper) {
      wrapper.hidden = !inPerson;
      wrapper.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !inPerson;
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "response") {
      update();
    }
  });
  update();
})();
