// Small behaviours shared by all pages. No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons and forms that change or delete data ask first: data-confirm="question".
  document.body.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Auto-submit a filter form when a select changes (progressive: the button still works).
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // A table wider than the screen scrolls in its own box: the keyboard must reach that box
  // too, so a box that scrolls is made focusable (WCAG 2.1.1).
  const focusScrolling = (root) => {
    root.querySelectorAll(".table-responsive").forEach((box) => {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  };
  focusScrolling(document);
  window.addEventListener("resize", () => focusScrolling(document));
  document.body.addEventListener("htmx:afterSettle", (event) => focusScrolling(event.target));
});
